import { DataApiReader } from '@ads/ads-client/service';
import type { TimeSeriesGranularity, TimeSeriesLevel } from '@ads/ads-client';
import type { QueriedSeries } from '../domain/series-assembly';

/**
 * What the warm reads from ads-data-api: the inventory (`snapshot()`, from the kit's reader) and
 * the stats series. Failures come out as DATA_API_UNAVAILABLE or DATA_API_REFUSED naming the
 * method.
 */
export class DataApiSource extends DataApiReader {
  /** Every entity with data at a level over [from, to), bucketed by UTC hour or day. */
  async series(level: TimeSeriesLevel, granularity: TimeSeriesGranularity, fromMs: number, toMs: number): Promise<QueriedSeries[]> {
    const range = { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
    const answer = await this.call('stats.query', (client) => client.stats.query({ level, granularity, ...range }));
    return answer.series;
  }
}
