// A plain Node 20 project using the published @ads/ads-client: ESM, no tsx, no export
// conditions. tests/client-package.test.ts copies it into a project outside the workspace and
// runs it against a real ads-data-api (DATA_API_URL, SERVICE_KEY, ADMIN_KEY); it prints one
// JSON line of what each client read.
import {
  DataApiProblemError,
  RpcError,
  createDataApiRestClient,
  createDynamicRpcClient,
  createRpcClient,
  dataApiContract,
} from '@ads/ads-client';

const { DATA_API_URL, SERVICE_KEY, ADMIN_KEY } = process.env;
const rpcOptions = { urls: [`${DATA_API_URL}/rpc`], token: SERVICE_KEY, timeoutMs: 20_000 };

/** The code of the error a call fails with, or null when it succeeds. */
async function codeOfFailure(call) {
  try {
    await call;
    return null;
  } catch (error) {
    if (error instanceof RpcError || error instanceof DataApiProblemError) return error.code;
    throw error;
  }
}

// The typed client: arguments checked against the contract before sending, results parsed.
const typed = createRpcClient(dataApiContract, rpcOptions);
const snapshot = await typed.inventory.snapshot({ limit: 5 });
const typedRefusal = await codeOfFailure(typed.inventory.snapshot({ limit: 0 }));
await typed.$close();

// The dynamic client: built from the server's /describe, without the contract.
const dynamic = await createDynamicRpcClient(rpcOptions);
const placements = await dynamic.placements.list({ limit: 3 });
await dynamic.$close();

// The REST client of /api/v1.
const rest = createDataApiRestClient({ baseUrl: DATA_API_URL, apiKey: ADMIN_KEY });
const principal = await rest.me();
const advertisers = await rest.advertisers.list({ limit: 2 });
const missingCampaign = await codeOfFailure(rest.campaigns.get('00000000-0000-4000-8000-000000000000'));

console.log(
  JSON.stringify({
    typed: {
      campaigns: snapshot.campaigns.length,
      placements: snapshot.placements?.length,
      hasNextPage: snapshot.nextCursor !== null,
      refusal: typedRefusal,
    },
    dynamic: {
      methods: dynamic.$description.methods.map((method) => method.name),
      placements: placements.items.length,
    },
    rest: { role: principal.role, advertisers: advertisers.items.length, missingCampaign },
  }),
);
