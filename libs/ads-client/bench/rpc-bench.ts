// RPC overhead benchmark: bare node:http hello-world against a trivial method on the bare
// backend and on the express backend, JSON and MessagePack, measured with wrk in one run.
// Prints requests/s, p50 and p99 and the ratio to node:http. Budget: bare >= 70% of node:http.
import { fork } from 'node:child_process';
import { encode } from '@msgpack/msgpack';
import { ensureWrk, runWrk, type WrkResult } from '@ads/bench-kit';

const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const serverScript = new URL('./rpc-servers.ts', import.meta.url).pathname;

const call = { jsonrpc: '2.0', id: 1, method: 'bench.echo', params: { message: 'hello' } };
const cases = [
  { label: 'node:http hello-world', kind: 'hello', contentType: 'application/json', body: Buffer.from(JSON.stringify(call)) },
  { label: 'bare backend, JSON', kind: 'bare', contentType: 'application/json', body: Buffer.from(JSON.stringify(call)) },
  { label: 'bare backend, MessagePack', kind: 'bare', contentType: 'application/msgpack', body: Buffer.from(encode(call)) },
  { label: 'express backend, JSON', kind: 'express', contentType: 'application/json', body: Buffer.from(JSON.stringify(call)) },
  { label: 'express backend, MessagePack', kind: 'express', contentType: 'application/msgpack', body: Buffer.from(encode(call)) },
];

async function measure(kind: string, contentType: string, body: Buffer, port: number): Promise<WrkResult> {
  const server = fork(serverScript, [kind, String(port)], { execArgv: ['--conditions=@ads/source', '--import', 'tsx'], stdio: 'inherit' });
  await new Promise<void>((resolve, reject) => {
    server.once('message', () => resolve());
    server.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  try {
    const url = `http://127.0.0.1:${port}/rpc`;
    // Warm up the JIT before measuring.
    runWrk({ url, body, contentType, seconds: 1, connections: CONNECTIONS });
    return runWrk({ url, body, contentType, seconds: DURATION_SECONDS, connections: CONNECTIONS });
  } finally {
    server.kill();
  }
}

ensureWrk();
// Cases run in interleaved rounds so that a burst of load from elsewhere on the machine
// hits every case alike; each figure is the median over the rounds.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const samples = cases.map(() => [] as WrkResult[]);
let port = 18_700;
for (let round = 0; round < ROUNDS; round++) {
  for (const [index, benchCase] of cases.entries()) {
    samples[index]!.push(await measure(benchCase.kind, benchCase.contentType, benchCase.body, port++));
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const results = cases.map((benchCase, index) => ({
  label: benchCase.label,
  requestsPerSecond: median(samples[index]!.map((sample) => sample.requestsPerSecond)),
  p50Ms: median(samples[index]!.map((sample) => sample.p50Ms)),
  p99Ms: median(samples[index]!.map((sample) => sample.p99Ms)),
}));
const baseline = results[0]!.requestsPerSecond;
console.log(
  `\nRPC benchmark: wrk, 1 thread, ${CONNECTIONS} connections, ${DURATION_SECONDS}s per case, median of ${ROUNDS} interleaved rounds, node ${process.version}\n`,
);
console.log('| case | requests/s | p50 ms | p99 ms | vs node:http |');
console.log('|---|---:|---:|---:|---:|');
for (const result of results) {
  console.log(
    `| ${result.label} | ${Math.round(result.requestsPerSecond)} | ${result.p50Ms.toFixed(2)} | ${result.p99Ms.toFixed(2)} | ${((result.requestsPerSecond / baseline) * 100).toFixed(0)}% |`,
  );
}
const bare = results[1]!.requestsPerSecond / baseline;
console.log(`\nbudget: bare backend >= 70% of node:http: ${(bare * 100).toFixed(0)}% ${bare >= 0.7 ? 'PASS' : 'MISS'}`);
