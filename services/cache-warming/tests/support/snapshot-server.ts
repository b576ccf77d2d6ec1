// A data API of the test's own: a real HTTP server speaking the ads-client RPC protocol that
// answers `inventory.snapshot` (the one method cache-warming calls) from a small fixed
// inventory. A test decides each snapshot's asOf and delay, and may start it late (the data
// API is unreachable until then) or stop it.
import { createServer, type Server } from 'node:http';
import { createNodeHttpHandler, createRpcServer, dataApiContract, defineContract, type dataApi } from '@ads/ads-client';
import { fixtureSnapshotCampaign } from '@ads/bench-kit';
import type { z } from 'zod';

type SnapshotPage = z.output<typeof dataApi.inventorySnapshotPage>;

const snapshotContract = defineContract({ inventory: { snapshot: dataApiContract.inventory.snapshot } });

/** What the server answers to one snapshot (first page) call. */
export interface SnapshotPlan {
  /** The snapshot's asOf (default: now). */
  asOf?: string;
  /** How long the answer takes (default 0): a slow data API or a large inventory. */
  delayMs?: number;
  /** The answer waits for this too (a test releases it when it wants). */
  hold?: Promise<void>;
}

export interface SnapshotServer {
  port: number;
  rpcUrl: string;
  /** Snapshot calls answered so far. */
  calls: number;
  /** Starts listening on `port` (again, after `stop`). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** One live campaign with one native ad, on the `home` placement. */
function snapshotPage(campaignId: string, asOf: string): SnapshotPage {
  return {
    asOf,
    nextCursor: null,
    placements: [{ id: 'pl-home', key: 'home', siteId: 'site-1', siteDomain: 'news.test', allowedFormats: ['native'], category: null }],
    featureSwitches: [],
    campaigns: [fixtureSnapshotCampaign({ id: campaignId, advertiserId: 'adv-1', pacing: 'even' })],
  };
}

/**
 * `plan(call)` says how to answer the n-th snapshot call (0-based); the campaign id of a
 * call's page is `campaign-<n>`, so a test can tell which call an index version came from.
 */
export function snapshotServer(port: number, plan: (call: number) => SnapshotPlan = () => ({})): SnapshotServer {
  let server: Server | undefined;
  const state: SnapshotServer = {
    port,
    rpcUrl: `http://127.0.0.1:${port}/rpc`,
    calls: 0,
    start: async () => {
      const rpc = createRpcServer(
        snapshotContract,
        {
          inventory: {
            snapshot: async () => {
              const call = state.calls;
              state.calls += 1;
              const { asOf = new Date().toISOString(), delayMs = 0, hold } = plan(call);
              if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
              await hold;
              return snapshotPage(`campaign-${call}`, asOf);
            },
          },
        },
        { title: 'snapshot test server', version: '0.0.0' },
      );
      const handle = createNodeHttpHandler(rpc);
      const listening = createServer((request, response) => {
        if (!handle(request, response)) response.writeHead(404).end();
      });
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(port, '127.0.0.1', () => resolve());
      });
      server = listening;
    },
    stop: async () => {
      const closing = server;
      server = undefined;
      if (closing === undefined) return;
      closing.closeAllConnections();
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
  };
  return state;
}
