import { createRpcClient, dataApiContract, type DataApiContract, type TypedRpcClient } from '@ads/ads-client';
import type { Config } from '../config';

export type DataApiClient = TypedRpcClient<DataApiContract>;

/** The typed RPC client of ads-data-api, round-robin over DATA_API_URLS, with the service key (DATA_API_TOKEN). */
export function createDataApiClient(settings: Config['dataApi']): DataApiClient {
  return createRpcClient(dataApiContract, {
    urls: settings.urls,
    ...(settings.token === undefined ? {} : { token: settings.token }),
    timeoutMs: settings.timeoutMs,
  });
}

/**
 * The client feed imports write through: the importer key (DATA_API_IMPORT_TOKEN), since
 * service keys may not upsert feed rows; DATA_API_TOKEN when no importer key is set (an admin key).
 */
export function createDataApiImportClient(settings: Config['dataApi']): DataApiClient {
  return createDataApiClient({ ...settings, token: settings.importToken ?? settings.token });
}
