import { RpcError, createRpcClient, dataApiContract, isServerSideFailure, readInventorySnapshot } from '@ads/ads-client';
import type { DataApiContract, InventorySnapshot, TimeSeriesGranularity, TimeSeriesLevel, TypedRpcClient } from '@ads/ads-client';
import type { QueriedSeries } from '../domain/series-assembly';
import { WarmingError } from '../errors';

/** Reads the inventory and the stats series from ads-data-api. */
export class DataApiSource {
  private readonly client: TypedRpcClient<DataApiContract>;

  constructor(private readonly options: { urls: string[]; token: string; timeoutMs: number }) {
    this.client = createRpcClient(dataApiContract, { urls: options.urls, token: options.token, timeoutMs: options.timeoutMs });
  }

  async snapshot(): Promise<InventorySnapshot> {
    return this.guard('inventory.snapshot', () => readInventorySnapshot(this.client));
  }

  /** Every entity with data at a level over [from, to), bucketed by UTC hour or day. */
  async series(level: TimeSeriesLevel, granularity: TimeSeriesGranularity, fromMs: number, toMs: number): Promise<QueriedSeries[]> {
    const answer = await this.guard('stats.query', () =>
      this.client.stats.query({ level, granularity, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() }),
    );
    return answer.series;
  }

  async close(): Promise<void> {
    await this.client.$close();
  }

  private async guard<T>(method: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof RpcError && isServerSideFailure(error)) {
        throw new WarmingError('DATA_API_UNAVAILABLE', `ads-data-api (${this.options.urls.join(', ')}) unavailable during ${method} (${error.code}): ${error.message}`, { cause: error });
      }
      const detail = error instanceof RpcError ? `${error.code}: ${error.message}` : `unexpected answer: ${(error as Error).message}`;
      throw new WarmingError('DATA_API_REFUSED', `ads-data-api refused ${method} (${detail})`, { cause: error });
    }
  }
}

