import { ZodError } from 'zod';
import { dataApiContract, type DataApiContract } from '../contracts/data-api-contract.js';
import { readInventorySnapshot, type InventorySnapshot } from '../data-api/read-inventory-snapshot.js';
import { createRpcClient, type TypedRpcClient } from '../rpc/rpc-client.js';
import { RpcError, describeIssues, fieldIssuesOf, isServerSideFailure } from '../rpc/rpc-error.js';
import { KitError } from './service-error.js';

export interface DataApiReaderOptions {
  /** RPC URLs of ads-data-api (DATA_API_URLS). */
  urls: readonly string[];
  /** A service API key (DATA_API_TOKEN). */
  token: string;
  /** Deadline of one call, retries across the URLs included. */
  timeoutMs: number;
}

/**
 * ads-data-api as a command or a worker reads it: the typed RPC client, whose failures come out
 * as the kit's errors naming the method, so every service reports the same failure with the same
 * code and exit code. A service extends it with the reads it needs (`this.call(...)`).
 */
export class DataApiReader {
  readonly client: TypedRpcClient<DataApiContract>;

  constructor(private readonly options: DataApiReaderOptions) {
    this.client = createRpcClient(dataApiContract, { urls: [...options.urls], token: options.token, timeoutMs: options.timeoutMs });
  }

  /** Runs one call of the client; a failure becomes {@link dataApiFailure}'s error for `method`. */
  async call<T>(method: string, call: (client: TypedRpcClient<DataApiContract>) => Promise<T>): Promise<T> {
    try {
      return await call(this.client);
    } catch (error) {
      throw dataApiFailure(method, this.options.urls, error);
    }
  }

  /** The whole inventory snapshot (every page). */
  async snapshot(): Promise<InventorySnapshot> {
    return this.call('inventory.snapshot', (client) => readInventorySnapshot(client));
  }

  async close(): Promise<void> {
    await this.client.$close();
  }
}

/**
 * Turns what a call of the data API client threw into the kit's error: a failure on the data
 * API's side (unreachable, slow, overloaded, or failing inside: INTERNAL, which is also what the
 * client makes of a proxy's HTML error page) is DATA_API_UNAVAILABLE, to retry later; a refusal
 * (unauthorized, forbidden, invalid params, unknown method) is DATA_API_REFUSED, to fix in the
 * configuration or the caller; an answer that breaks the contract is DATA_API_ANSWER_INVALID.
 * Anything else (a bug) is returned as it is.
 */
export function dataApiFailure(method: string, urls: readonly string[], error: unknown): unknown {
  if (error instanceof RpcError && isServerSideFailure(error)) {
    return new KitError(
      'DATA_API_UNAVAILABLE',
      `ads-data-api (${urls.join(', ')}) unavailable during ${method} (${error.code}): ${error.message}`,
      { cause: error },
    );
  }
  if (error instanceof RpcError) {
    return new KitError('DATA_API_REFUSED', `ads-data-api refused ${method} (${error.code}): ${error.message}`, { cause: error });
  }
  if (error instanceof ZodError) {
    return new KitError(
      'DATA_API_ANSWER_INVALID',
      `ads-data-api answered ${method} with something its contract does not allow: ${describeIssues(fieldIssuesOf(error))}`,
      { cause: error },
    );
  }
  return error;
}
