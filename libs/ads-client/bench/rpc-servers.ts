// One benchmark target per process, so the load generator never shares a core's event loop
// with the server it measures. Usage: rpc-servers.ts <hello|bare|express> <port>
import { createServer } from 'node:http';
import express from 'express';
import { z } from 'zod';
import { createExpressRpcRouter, createNodeHttpHandler, createRpcServer, defineContract, method } from '../src/index.js';

const benchContract = defineContract({
  bench: {
    echo: method({
      input: z.strictObject({ message: z.string().max(100) }),
      output: z.object({ message: z.string() }),
      doc: 'Answers its argument.',
      idempotent: true,
    }),
  },
});

const [kind, portText] = process.argv.slice(2);
const port = Number(portText);
const rpc = createRpcServer(benchContract, { bench: { echo: ({ message }) => ({ message }) } }, { title: 'bench', version: '1' });

let server;
if (kind === 'hello') {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { message: 'hello' } });
  server = createServer((request, response) => {
    // Read the body as any real endpoint must, then answer a fixed JSON document.
    request.on('data', () => {});
    request.on('end', () => {
      response.setHeader('content-type', 'application/json');
      response.end(body);
    });
  });
} else if (kind === 'bare') {
  const handle = createNodeHttpHandler(rpc);
  server = createServer((request, response) => {
    if (!handle(request, response)) response.writeHead(404).end();
  });
} else if (kind === 'express') {
  const app = express();
  app.use('/rpc', createExpressRpcRouter(rpc));
  server = createServer(app);
} else {
  throw new TypeError(`unknown server kind "${kind}": use hello, bare or express`);
}
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => process.send?.('ready'));
