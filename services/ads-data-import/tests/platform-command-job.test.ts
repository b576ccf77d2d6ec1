// Platform commands run as child processes in their service folder: output, exit codes,
// timeouts and shutdown, against stand-in services written to a temporary SERVICES_DIR.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { CommandFailedError } from '../src/errors';
import { runPlatformCommand } from '../src/app/platform-command-job';

// Inside the package, so that `node --import tsx` finds tsx in the repository's node_modules.
const servicesDir = mkdtempSync(join(fileURLToPath(new URL('.', import.meta.url)), '.services-'));
const logger = pino({ level: 'silent' });
const settings = (timeoutMs = 60_000) => ({
  servicesDir,
  timeoutMs,
  environment: { ...process.env, GREETING: 'hello from the worker' } as Record<string, string>,
});

before(() => {
  const main = (body: string) => `const [, , command, ...args] = process.argv;\n${body}\n`;
  mkdirSync(join(servicesDir, 'cache-warming', 'src'), { recursive: true });
  writeFileSync(
    join(servicesDir, 'cache-warming', 'src', 'main.ts'),
    main(`console.log(command, JSON.stringify(args), process.env.GREETING);
if (args.includes('--fail')) { console.error('index build failed: data API down'); process.exit(3); }
if (args.includes('--slow')) {
  process.on('SIGTERM', () => { console.log('stopping cleanly'); process.exit(0); });
  setInterval(() => console.log('working'), 100);
}`),
  );
});

after(() => rmSync(servicesDir, { recursive: true, force: true }));

test('a command runs `src/main.ts run <args>` in its folder with the worker’s environment', { timeout: 60_000 }, async () => {
  const summary = await runPlatformCommand(settings(), logger, 'cache-warming', ['--full']);
  assert.equal(summary.exitCode, 0);
  assert.deepEqual(summary.outputTail, ['run ["--full"] hello from the worker']);
});

test('a non-zero exit fails the job with the command’s last output', { timeout: 60_000 }, async () => {
  await assert.rejects(runPlatformCommand(settings(), logger, 'cache-warming', ['--fail']), (error: unknown) => {
    assert.ok(error instanceof CommandFailedError);
    assert.equal(error.code, 'COMMAND_FAILED');
    assert.match(error.message, /exited with 3/);
    assert.match(error.message, /data API down/);
    return true;
  });
});

test('a missing service folder is named', async () => {
  await assert.rejects(runPlatformCommand(settings(), logger, 'ads-scoring', []), /ads-scoring is not installed at .*SERVICES_DIR/);
});

test('a command past its time limit is stopped and fails', { timeout: 60_000 }, async () => {
  await assert.rejects(runPlatformCommand(settings(1_500), logger, 'cache-warming', ['--slow']), /longer than COMMAND_TIMEOUT_MS/);
});

test('a shutdown stops the command with SIGTERM and reports the job interrupted', { timeout: 60_000 }, async () => {
  const abort = new AbortController();
  const lines: number[] = [];
  const running = runPlatformCommand(settings(), logger, 'cache-warming', ['--slow'], {
    signal: abort.signal,
    onProgress: (progress) => {
      lines.push(progress.lines);
      if (progress.lines > 3) abort.abort();
    },
  });
  await assert.rejects(running, (error: unknown) => (error as { code?: string }).code === 'SHUTTING_DOWN');
});
