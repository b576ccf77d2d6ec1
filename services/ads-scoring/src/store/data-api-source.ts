import { DataApiReader } from '@ads/ads-client/service';
import type { ClickEvidence } from '../domain/ctr-smoothing';

/**
 * What scoring reads from ads-data-api: the inventory (`snapshot()`, from the kit's reader) and
 * the performance per ad and campaign. Failures come out as DATA_API_UNAVAILABLE or
 * DATA_API_REFUSED naming the method.
 */
export class DataApiSource extends DataApiReader {
  /** Impressions and clicks per entity over [from, to); entities without data are absent. */
  async evidence(level: 'ad' | 'campaign', from: Date, to: Date): Promise<Map<string, ClickEvidence>> {
    const answer = await this.call('stats.query', (client) =>
      client.stats.query({ level, from: from.toISOString(), to: to.toISOString(), granularity: 'day' }),
    );
    const evidence = new Map<string, ClickEvidence>();
    for (const series of answer.series) evidence.set(series.id, { impressions: series.totals.impressions, clicks: series.totals.clicks });
    return evidence;
  }
}
