// The baseline: a bare node:http hello-world that reads the body as any endpoint must and
// answers a fixed JSON document. Usage: hello-server.ts <port>
import { createServer } from 'node:http';

const body = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { message: 'hello' } });
const server = createServer((request, response) => {
  request.on('data', () => {});
  request.on('end', () => {
    response.setHeader('content-type', 'application/json');
    response.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2]), '127.0.0.1', () => process.send?.('ready'));
