// The same package from CommonJS: Node 20.19 and later load its ES modules through require().
// Run by tests/client-package.test.ts in the consumer project with DATA_API_URL and SERVICE_KEY.
const { createRpcClient, dataApiContract } = require('@ads/ads-client');

async function main() {
  const client = createRpcClient(dataApiContract, { urls: [`${process.env.DATA_API_URL}/rpc`], token: process.env.SERVICE_KEY });
  const snapshot = await client.inventory.snapshot({ limit: 2 });
  await client.$close();
  console.log(JSON.stringify({ campaigns: snapshot.campaigns.length }));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
