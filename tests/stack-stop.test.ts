// `npm stop` stops a stack that `npm start` runs in another process (another terminal, a
// script): it signals the pid the launcher recorded in $STACK_STATE_DIR/stack.pid and returns once
// every process of the stack is gone, a restarted one included; the pid file goes with it.
// (SIGTERM to the `npm start` process itself and a killed service coming back are in
// stack-e2e.test.ts.)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { waitFor } from '@ads/test-kit';
import { alive, startNpmStack, type NpmStack } from './support/npm-stack';
import { repoRoot } from './support/processes';
import { deleteKeys } from './support/serving-stack';
import { createStackDatabase, type StackDatabase } from './support/stack';

const prefix = `test:stack-stop:${randomUUID()}:`;
let database: StackDatabase | undefined;
let stack: NpmStack | undefined;

/** Runs `npm <args>` in the repository to its end. */
function npm(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn('npm', args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

before(async () => {
  database = await createStackDatabase();
  stack = await startNpmStack({ databaseUrl: database.url, redisKeyPrefix: prefix });
});

after(async () => {
  await stack?.close();
  await database?.drop();
  await deleteKeys(prefix);
});

test('npm stop stops a stack npm start runs elsewhere: every process exits, a restarted one too, and the pid file goes', async () => {
  const { ready, stateDir } = stack!;
  const pidFile = join(stateDir, 'stack.pid');
  const stackPid = Number(readFileSync(pidFile, 'utf8'));
  assert.ok(alive(stackPid), 'the launcher recorded its pid');

  // A crashed service is restarted, and the launcher says so with its new pid.
  const scheduler = ready.pids['import-scheduler']!;
  process.kill(scheduler, 'SIGKILL');
  let restarted = 0;
  await waitFor(
    () => {
      restarted = Number(/import-scheduler restarted \(pid (\d+)\)/.exec(stack!.tail())?.[1] ?? 0);
      return Promise.resolve(restarted > 0);
    },
    'the launcher to restart import-scheduler and log its pid',
    { timeoutMs: 30_000 },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${stack!.tail()}`);
  });
  assert.notEqual(restarted, scheduler);
  assert.ok(alive(restarted), 'the restarted scheduler runs');

  const stopped = await npm(['stop', '--silent'], { STACK_STATE_DIR: stateDir });
  assert.equal(stopped.code, 0, stopped.output);
  assert.match(stopped.output, new RegExp(`stopping the local stack \\(pid ${stackPid}\\)\\s+stopped`));
  assert.equal(await stack!.exited, 0, `npm start ends with 0 when stopped:\n${stack!.tail()}`);
  const everyPid = { ...ready.pids, 'import-scheduler (restarted)': restarted, launcher: stackPid };
  const survivors = () => Object.entries(everyPid).filter(([, pid]) => alive(pid));
  // A service killed at the end of the grace period may take a moment to be reaped.
  await waitFor(() => Promise.resolve(survivors().length === 0), 'every process of the stack to exit', { timeoutMs: 5_000 }).catch(() =>
    assert.deepEqual(survivors(), [], 'every process of the stack has exited'),
  );
  assert.equal(existsSync(pidFile), false, 'the pid file is removed');

  // Nothing runs there any more: npm stop says so and succeeds.
  const again = await npm(['stop', '--silent'], { STACK_STATE_DIR: stateDir });
  assert.equal(again.code, 0, again.output);
  assert.match(again.output, /no local stack is running/);
});
