import { RpcError, createRpcClient, dataApiContract, isServerSideFailure, readInventorySnapshot } from '@ads/ads-client';
import type { InventorySnapshot, TypedRpcClient, DataApiContract } from '@ads/ads-client';
import type { ClickEvidence } from '../domain/ctr-smoothing';
import { ScoringError } from '../errors';

/** Reads what scoring needs from ads-data-api: the inventory and performance per ad and campaign. */
export class DataApiSource {
  private readonly client: TypedRpcClient<DataApiContract>;

  constructor(private readonly options: { urls: string[]; token: string; timeoutMs: number }) {
    this.client = createRpcClient(dataApiContract, { urls: options.urls, token: options.token, timeoutMs: options.timeoutMs });
  }

  async snapshot(): Promise<InventorySnapshot> {
    return this.guard('inventory.snapshot', () => readInventorySnapshot(this.client));
  }

  /** Impressions and clicks per entity over [from, to); entities without data are absent. */
  async evidence(level: 'ad' | 'campaign', from: Date, to: Date): Promise<Map<string, ClickEvidence>> {
    const answer = await this.guard('stats.query', () =>
      this.client.stats.query({ level, from: from.toISOString(), to: to.toISOString(), granularity: 'day' }),
    );
    const evidence = new Map<string, ClickEvidence>();
    for (const series of answer.series) {
      evidence.set(series.id, { impressions: series.totals.impressions, clicks: series.totals.clicks });
    }
    return evidence;
  }

  async close(): Promise<void> {
    await this.client.$close();
  }

  private async guard<T>(method: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw dataApiFailure(method, this.options.urls, error);
    }
  }
}

/**
 * Turns a client error into the catalogue's: a failure on the data API's side (unreachable,
 * slow, overloaded, or failing inside: INTERNAL, which is also what the client makes of a
 * proxy's HTML error page) is retried later; what is left (unauthorized, forbidden, invalid
 * params, unknown method) is refused and needs a fix of the configuration or the caller.
 */
function dataApiFailure(method: string, urls: string[], error: unknown): ScoringError {
  if (error instanceof RpcError && isServerSideFailure(error)) {
    return new ScoringError('DATA_API_UNAVAILABLE', `ads-data-api (${urls.join(', ')}) unavailable during ${method} (${error.code}): ${error.message}`, { cause: error });
  }
  if (error instanceof RpcError) {
    return new ScoringError('DATA_API_REFUSED', `ads-data-api refused ${method} (${error.code}): ${error.message}`, { cause: error });
  }
  return new ScoringError('DATA_API_REFUSED', `ads-data-api answered ${method} with something unexpected: ${(error as Error).message}`, { cause: error });
}
