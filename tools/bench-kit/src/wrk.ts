// Shared by the repository's benchmarks: installs wrk from Debian's packages when it is
// missing, runs it with a POST body, and parses requests/s and latency percentiles.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WrkResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
}

export function ensureWrk(): void {
  if (spawnSync('wrk', ['--version']).error === undefined) return;
  console.error('wrk is not installed: installing it from Debian packages');
  execFileSync('apt-get', ['install', '-y', '-qq', 'wrk'], { stdio: 'inherit' });
}

function luaString(bytes: Buffer): string {
  return `"${[...bytes].map((byte) => `\\${byte}`).join('')}"`;
}

/** Writes a wrk Lua script that POSTs `body`; `bodies` rotates over several bodies. */
export function wrkScript(options: { contentType: string; bodies: Buffer[]; headers?: Record<string, string> }): string {
  const dir = mkdtempSync(join(tmpdir(), 'wrk-'));
  const path = join(dir, 'post.lua');
  const headers = Object.entries({ 'Content-Type': options.contentType, ...options.headers })
    .map(([name, value]) => `wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`)
    .join('\n');
  writeFileSync(
    path,
    `wrk.method = "POST"
${headers}
local bodies = { ${options.bodies.map(luaString).join(',\n')} }
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, nil, nil, bodies[(counter % #bodies) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("JSON_RESULT {\\"p50\\":%d,\\"p99\\":%d,\\"requests\\":%d,\\"errors\\":%d,\\"durationUs\\":%d}\\n",
    latency:percentile(50), latency:percentile(99), summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    summary.duration))
end
`,
  );
  return path;
}

export function runWrk(options: {
  url: string;
  contentType: string;
  body?: Buffer;
  bodies?: Buffer[];
  seconds: number;
  connections: number;
  threads?: number;
  headers?: Record<string, string>;
  /** Paced load: each connection waits this long before each request, so the server runs below saturation. */
  delayMs?: number;
}): WrkResult {
  const script = wrkScript({ contentType: options.contentType, bodies: options.bodies ?? [options.body!], headers: options.headers });
  if (options.delayMs !== undefined)
    appendFileSync(script, `\ndelay = function()\n  return ${Math.max(1, Math.round(options.delayMs))}\nend\n`);
  const output = execFileSync(
    'wrk',
    ['-t', String(options.threads ?? 1), '-c', String(options.connections), '-d', `${options.seconds}s`, '-s', script, options.url],
    { encoding: 'utf8' },
  );
  const line = output.split('\n').find((candidate) => candidate.startsWith('JSON_RESULT '));
  if (line === undefined) throw new Error(`wrk printed no result:\n${output}`);
  const parsed = JSON.parse(line.slice('JSON_RESULT '.length)) as {
    p50: number;
    p99: number;
    requests: number;
    errors: number;
    durationUs: number;
  };
  return {
    requestsPerSecond: parsed.requests / (parsed.durationUs / 1e6),
    p50Ms: parsed.p50 / 1000,
    p99Ms: parsed.p99 / 1000,
    requests: parsed.requests,
    errors: parsed.errors,
  };
}

export interface WrkPathsResult extends WrkResult {
  /** Requests wrk sent (answered or not when the time ran out): paths[0..sent) were used. */
  sent: number;
  /** Answers by `<status> <value of outcomeHeader>`, e.g. `204 counted`. */
  outcomes: Record<string, number>;
}

/**
 * Runs wrk (one thread) with GET requests over `paths`, each sent once in order (they wrap
 * around only when there are fewer than wrk sends: `sent` tells), counting the answers by
 * status and the value of `outcomeHeader`. For benchmarks where every request must be new.
 */
export function runWrkPaths(options: {
  baseUrl: string;
  paths: string[];
  seconds: number;
  connections: number;
  outcomeHeader: string;
  delayMs?: number;
}): WrkPathsResult {
  const dir = mkdtempSync(join(tmpdir(), 'wrk-paths-'));
  const pathsFile = join(dir, 'paths.txt');
  writeFileSync(pathsFile, `${options.paths.join('\n')}\n`);
  const script = join(dir, 'paths.lua');
  writeFileSync(
    script,
    `local paths = {}
for line in io.lines(${JSON.stringify(pathsFile)}) do paths[#paths + 1] = line end
sent = 0
outcomes = {}
local threads = {}
setup = function(thread) threads[#threads + 1] = thread end
request = function()
  sent = sent + 1
  return wrk.format("GET", paths[((sent - 1) % #paths) + 1])
end
response = function(status, headers, body)
  local key = status .. " " .. (headers[${JSON.stringify(options.outcomeHeader)}] or "-")
  outcomes[key] = (outcomes[key] or 0) + 1
end
${options.delayMs === undefined ? '' : `delay = function() return ${Math.max(1, Math.round(options.delayMs))} end`}
done = function(summary, latency, requests)
  local total = 0
  local parts = {}
  for _, thread in ipairs(threads) do
    total = total + thread:get("sent")
    for key, count in pairs(thread:get("outcomes")) do parts[#parts + 1] = string.format("%q:%d", key, count) end
  end
  io.write(string.format("JSON_RESULT {\\"p50\\":%d,\\"p99\\":%d,\\"requests\\":%d,\\"errors\\":%d,\\"durationUs\\":%d,\\"sent\\":%d,\\"outcomes\\":{%s}}\\n",
    latency:percentile(50), latency:percentile(99), summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration, total, table.concat(parts, ",")))
end
`,
  );
  const output = execFileSync(
    'wrk',
    ['-t', '1', '-c', String(options.connections), '-d', `${options.seconds}s`, '-s', script, options.baseUrl],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  const line = output.split('\n').find((candidate) => candidate.startsWith('JSON_RESULT '));
  if (line === undefined) throw new Error(`wrk printed no result:\n${output}`);
  const parsed = JSON.parse(line.slice('JSON_RESULT '.length)) as {
    p50: number;
    p99: number;
    requests: number;
    errors: number;
    durationUs: number;
    sent: number;
    outcomes: Record<string, number>;
  };
  return {
    requestsPerSecond: parsed.requests / (parsed.durationUs / 1e6),
    p50Ms: parsed.p50 / 1000,
    p99Ms: parsed.p99 / 1000,
    requests: parsed.requests,
    errors: parsed.errors,
    sent: parsed.sent,
    outcomes: parsed.outcomes,
  };
}
