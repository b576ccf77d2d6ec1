// Inside the workspace @ads/ads-client resolves to its TypeScript sources only under the
// "@ads/source" export condition; without it Node takes the package's dist/, which only
// `npm pack` builds. So every command that starts node on TypeScript (package scripts, spawned
// children, deployment commands) passes `--conditions=@ads/source` itself: children do not
// inherit a parent's command-line flags, and some are spawned with an environment of their own.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { repoRoot } from './support/processes';

const CONDITION = '--conditions=@ads/source';

/** Files git tracks or would track (ignored ones, such as node_modules and builds, left out). */
function workspaceFiles(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\n')
    .filter((path) => path !== '');
}

/** Lines that start node with tsx: script commands, argument arrays in code, container commands. */
function tsxLaunches(path: string, text: string): string[] {
  if (path.endsWith('package.json')) {
    const scripts = (JSON.parse(text) as { scripts?: Record<string, string> }).scripts ?? {};
    return Object.values(scripts).filter((command) => /\bnode\b.*--import tsx/.test(command));
  }
  if (/\.(ts|mts|mjs|js)$/.test(path)) {
    return text.split('\n').filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line) && /'--import',\s*'tsx'/.test(line));
  }
  if (/\.ya?ml$|Dockerfile$/.test(path)) return text.split('\n').filter((line) => /"--import",\s*"tsx"/.test(line));
  return [];
}

test(`every command that runs node on TypeScript passes ${CONDITION}`, () => {
  const offences: string[] = [];
  let launches = 0;
  for (const path of workspaceFiles()) {
    if (path === 'package-lock.json') continue;
    let text: string;
    try {
      text = readFileSync(join(repoRoot, path), 'utf8');
    } catch {
      continue; // deleted in the working tree but still tracked
    }
    for (const line of tsxLaunches(path, text)) {
      launches += 1;
      if (!line.includes(CONDITION)) offences.push(`${path}: ${line.trim()}`);
    }
  }
  assert.ok(launches > 20, `found the tsx launches (${launches})`);
  assert.deepEqual(offences, []);
});
