// The floor of the decide path: the RPC framework's bare backend with the serving contract
// (input parsed and validated as for the real thing) answering one constant decision of the
// same shape and size as a real one. The gap between this and decide is serving's own work.
// Usage: floor-server.ts <port>
import { createServer } from 'node:http';
import { PreEncodedResult, createNodeHttpHandler, createRpcServer, servingContract, type DecidedAd, type DecisionResponse } from '@ads/ads-client';

const query = 'd=Q3x9aZ1b0k2&a=c1234-a1&c=c1234&v=adv12&p=site1-slot3&u=benchuser1234&m=5000&n=0&x=1795331301&s=Zx8ZfVb1S0lq2TfXw9cQ3a';
const ad: DecidedAd = {
  adId: 'c1234-a1',
  campaignId: 'c1234',
  advertiserId: 'adv12',
  format: 'native',
  contents: {
    title: 'Synthetic ad c1234-1: a title of ordinary length',
    body: 'A body text of about the length advertisers write, with a call to action at the end. Buy now.',
    imageUrl: 'https://cdn.example.com/creatives/c1234-1.jpg',
    width: null,
    height: null,
  },
  clickUrl: `http://127.0.0.1:18900/t/c?${query}`,
  impressionUrl: `http://127.0.0.1:18900/t/i?${query}`,
  viewableUrl: `http://127.0.0.1:18900/t/v?${query}`,
};
const answer = { decisionId: 'Q3x9aZ1b0k2', userKey: 'benchuser1234', decisions: { top: [ad], side: [ad, ad] } };
const encoded = new PreEncodedResult<DecisionResponse>(JSON.stringify(answer));
const rpc = createRpcServer(servingContract, { serving: { decide: () => encoded } }, { title: 'floor', version: '0', validateOutput: false });
const handle = createNodeHttpHandler(rpc);
const server = createServer((request, response) => {
  if (!handle(request, response)) response.writeHead(404).end();
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2]), '127.0.0.1', () => process.send?.('ready'));
