// `npm stop`: stops a local stack started with `npm start` in another terminal or by a script,
// by sending SIGTERM to the pid it recorded, and waits until it has stopped every service.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STACK_EXIT_CODES, stackCommandLine } from './stack-command-line';

stackCommandLine(
  'npm stop',
  'Stops the local stack started by npm start (elsewhere): sends SIGTERM to the pid in $STACK_STATE_DIR/stack.pid and waits until every service has stopped.',
  [['STACK_STATE_DIR', 'the state directory of the stack to stop (default: .stack)']],
);

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const pidFile = join(resolve(root, process.env.STACK_STATE_DIR ?? '.stack'), 'stack.pid');
const STOP_TIMEOUT_MS = 20_000;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

if (!existsSync(pidFile)) {
  console.log('no local stack is running (no .stack/stack.pid)');
  process.exit(0);
}
const pid = Number(readFileSync(pidFile, 'utf8').trim());
if (!Number.isInteger(pid) || pid <= 1 || !isRunning(pid)) {
  console.log(`the stack recorded in ${pidFile} is not running; removing the stale pid file`);
  rmSync(pidFile, { force: true });
  process.exit(0);
}
process.kill(pid, 'SIGTERM');
console.log(`stopping the local stack (pid ${pid})`);
const deadline = Date.now() + STOP_TIMEOUT_MS;
while (isRunning(pid)) {
  if (Date.now() > deadline) {
    console.error(`the stack (pid ${pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s`);
    process.exit(STACK_EXIT_CODES.unexpected);
  }
  await new Promise((done) => setTimeout(done, 200));
}
console.log('stopped');
