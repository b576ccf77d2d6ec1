// Entry point: `node --import tsx src/main.ts run [--watch] [--dry-run] [--json]`.
import { runCli } from './cli/run-cli';

const exitCode = await runCli(process.argv, process.env);
// Exit explicitly: a closed Redis socket or a keep-alive agent must not keep a one-off run alive.
process.exit(exitCode);
