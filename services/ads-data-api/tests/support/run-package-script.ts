// Runs one of this package's npm scripts the way a person would, for tests of the commands.
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface ScriptResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run --silent <script> -- ...args` in this package, with `DATABASE_URL` (and `env`) set. */
export function runPackageScript(
  script: string,
  options: { databaseUrl: string; args?: string[]; env?: Record<string, string> },
): Promise<ScriptResult> {
  const args = ['run', '--silent', script, ...(options.args?.length ? ['--', ...options.args] : [])];
  return new Promise((resolvePromise, reject) => {
    const child = spawn('npm', args, {
      cwd: packageRoot,
      env: { ...process.env, ...options.env, DATABASE_URL: options.databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (exitCode) => resolvePromise({ exitCode, stdout, stderr }));
  });
}
