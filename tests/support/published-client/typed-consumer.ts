// A TypeScript consumer of the published @ads/ads-client, typechecked (never run) by
// tests/client-package.test.ts with this folder's tsconfig.json (moduleResolution nodenext): it
// proves the package's declarations resolve and carry the contracts' types.
import {
  DataApiProblemError,
  createDataApiRestClient,
  createDynamicRpcClient,
  createRpcClient,
  dataApiContract,
  type AdvertiserResource,
  type DataApiContract,
  type TypedRpcClient,
} from '@ads/ads-client';

const rpcOptions = { urls: ['http://127.0.0.1:4000/rpc'], token: 'ads_service_key' };

export async function liveCampaignNames(): Promise<string[]> {
  const client: TypedRpcClient<DataApiContract> = createRpcClient(dataApiContract, rpcOptions);
  const page = await client.inventory.snapshot({ limit: 10 });
  // @ts-expect-error the contract types the input: limit is a number
  await client.inventory.snapshot({ limit: '10' });
  return page.campaigns.map((campaign) => campaign.name);
}

export async function describedMethods(): Promise<string[]> {
  const client = await createDynamicRpcClient(rpcOptions);
  return client.$description.methods.map((method) => method.name);
}

export async function firstAdvertiser(): Promise<AdvertiserResource | undefined> {
  const rest = createDataApiRestClient({ baseUrl: 'http://127.0.0.1:4000', apiKey: 'ads_admin_key' });
  try {
    const page = await rest.advertisers.list({ limit: 1 });
    return page.items[0];
  } catch (error) {
    if (error instanceof DataApiProblemError && error.code === 'NOT_FOUND') return undefined;
    throw error;
  }
}
