import { createRpcClient, dataApiContract, type DataApiContract, type TypedRpcClient } from '@ads/ads-client';
import type { Config } from '../config';

export type DataApiClient = TypedRpcClient<DataApiContract>;

/** The typed RPC client of ads-data-api, round-robin over DATA_API_URLS. */
export function createDataApiClient(settings: Config['dataApi']): DataApiClient {
  return createRpcClient(dataApiContract, {
    urls: settings.urls,
    ...(settings.token === undefined ? {} : { token: settings.token }),
    timeoutMs: settings.timeoutMs,
  });
}
