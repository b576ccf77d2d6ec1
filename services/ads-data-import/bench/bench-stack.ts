// The benchmarks need a real ads-data-api on a real database. Either point them at one
// (DATA_API_URLS, DATA_API_TOKEN and DATA_API_IMPORT_TOKEN, plus BENCH_AD_IDS: ad ids it knows,
// comma-separated), or
// let them start a throwaway one with the repository's test harness, run as a child process
// (never imported: a package does not reach into another's code).
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface BenchStack {
  rpcUrl: string;
  serviceKey: string;
  /** The importer key feed imports write with. */
  importerKey: string;
  adIds: string[];
  /** Campaign and advertiser of each ad, for realistic events. */
  ads: { adId: string; campaignId: string; advertiserId: string }[];
  stop(): Promise<void>;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export async function startBenchStack(): Promise<BenchStack> {
  const urls = process.env.DATA_API_URLS;
  const token = process.env.DATA_API_TOKEN;
  const adIds = process.env.BENCH_AD_IDS?.split(',').filter((id) => id !== '');
  if (urls !== undefined && token !== undefined && adIds !== undefined && adIds.length > 0) {
    return {
      rpcUrl: urls.split(',')[0]!,
      serviceKey: token,
      importerKey: process.env.DATA_API_IMPORT_TOKEN ?? token,
      adIds,
      ads: adIds.map((adId) => ({ adId, campaignId: 'bench-campaign', advertiserId: 'bench-advertiser' })),
      stop: () => Promise.resolve(),
    };
  }
  const child: ChildProcess = spawn(
    process.execPath,
    ['--experimental-wasm-modules', '--conditions=@ads/source', '--import', 'tsx', join('tests', 'support', 'import-stack.ts')],
    {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: 'warn' },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const firstLine = await new Promise<string>((done, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => done(line));
    child.once('exit', (code) => fail(new Error(`the bench stack exited with ${code} before it was ready`)));
  });
  const started = JSON.parse(firstLine) as { rpcUrl: string; serviceKey: string; importerKey: string; ads: BenchStack['ads'] };
  return {
    rpcUrl: started.rpcUrl,
    serviceKey: started.serviceKey,
    importerKey: started.importerKey,
    adIds: started.ads.map((ad) => ad.adId),
    ads: started.ads,
    stop: async () => {
      child.stdin!.end();
      child.kill('SIGTERM');
      await exited;
    },
  };
}
