// Summarises a V8 CPU profile (`node --cpu-prof`): the functions with the most self time, as
// a Markdown table. Profile the serving processes of bench:decide with
//   SERVING_NODE_FLAGS="--max-semi-space-size=8 --cpu-prof --cpu-prof-dir=/tmp/decide-prof" \
//     BENCH_SIZES=100 BENCH_ENFORCEMENT=0 npm run bench:decide -w @ads/ads-serving-rpc
// (each process writes its profile when the bench stops it), then
//   node --conditions=@ads/source --import tsx bench/cpu-profile-summary.ts /tmp/decide-prof/<file>.cpuprofile [top]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [path, topArgument] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: cpu-profile-summary.ts <file.cpuprofile> [top]');
const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map<string, number>();
let totalUs = 0;
profile.samples.forEach((id, at) => {
  const frame = byId.get(id)!.callFrame;
  const file = frame.url === '' ? '' : frame.url.replace(/^.*\/(node_modules|src|dist|libs)\//, '$1/');
  const name = `${frame.functionName === '' ? '(anonymous)' : frame.functionName}${file === '' ? '' : ` ${file}:${frame.lineNumber + 1}`}`;
  const us = Math.max(0, profile.timeDeltas[at] ?? 0);
  selfUs.set(name, (selfUs.get(name) ?? 0) + us);
  totalUs += us;
});
const busyUs = totalUs - (selfUs.get('(idle)') ?? 0);
console.log(`profile of ${(totalUs / 1e6).toFixed(1)} s, ${(busyUs / 1e6).toFixed(1)} s not idle\n`);
console.log('| function | self ms | share of busy time |');
console.log('|---|---:|---:|');
for (const [name, us] of [...selfUs.entries()]
  .filter(([name]) => name !== '(idle)')
  .sort((left, right) => right[1] - left[1])
  .slice(0, Number(topArgument ?? 20))) {
  console.log(`| ${name.replaceAll('|', '\\|')} | ${(us / 1000).toFixed(0)} | ${((us / busyUs) * 100).toFixed(1)}% |`);
}
