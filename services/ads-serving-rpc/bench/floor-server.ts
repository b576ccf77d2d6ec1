// The floor of the decide path: the RPC framework's bare backend with the serving contract
// (input parsed and validated as for the real thing) answering one constant decision: a real one captured in the
// same run (constant-decision.ts). The gap between this and decide is serving's own work.
// Usage: floor-server.ts <port> <answer.json>
import { createServer } from 'node:http';
import { PreEncodedResult, createNodeHttpHandler, createRpcServer, servingContract, type DecisionResponse } from '@ads/ads-client';
import { constantDecision } from './constant-decision';

const encoded = new PreEncodedResult<DecisionResponse>(JSON.stringify(constantDecision()));
const rpc = createRpcServer(
  servingContract,
  { serving: { decide: () => encoded } },
  { title: 'floor', version: '0', validateOutput: false },
);
const handle = createNodeHttpHandler(rpc);
const server = createServer((request, response) => {
  if (!handle(request, response)) response.writeHead(404).end();
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2]), '127.0.0.1', () => process.send?.('ready'));
