/** The `--json` line of a failure, on stdout next to the summaries (stderr keeps the text). */
export function printFailure(code: string, message: string): void {
  process.stdout.write(`${JSON.stringify({ ok: false, code, message })}\n`);
}
