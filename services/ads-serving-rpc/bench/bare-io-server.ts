// What the HTTP exchange of a decision costs by itself: bare node:http, no framework, reading
// and parsing the request body as decide must and answering the constant decision (the same
// bytes as the floor's answer). The gap between hello-world and this is the price of the
// request and answer sizes alone. Usage: bare-io-server.ts <port> <answer.json>
import { createServer } from 'node:http';
import { constantDecision } from './constant-decision';

const body = JSON.stringify({ jsonrpc: '2.0', id: 1, result: constantDecision() });
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    JSON.parse(Buffer.concat(chunks).toString('utf8'));
    response.setHeader('content-type', 'application/json');
    response.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2]), '127.0.0.1', () => process.send?.('ready'));
