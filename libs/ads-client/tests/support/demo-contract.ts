import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { z } from 'zod';
import { RpcError, createExpressRpcRouter, createNodeHttpHandler, createRpcServer, defineContract, method } from '../../src/index.js';

/** A small contract exercising what the framework offers. */
export const demoContract = defineContract({
  math: {
    add: method({
      input: z.strictObject({ a: z.number(), b: z.number() }),
      output: z.object({ sum: z.number(), servedBy: z.string() }),
      doc: 'Adds two numbers.',
      idempotent: true,
    }),
    record: method({
      input: z.strictObject({ value: z.string().min(1) }),
      output: z.object({ count: z.number().int() }),
      doc: 'Records a value (not idempotent).',
    }),
  },
  placements: {
    check: method({
      input: z.strictObject({
        placements: z.array(z.strictObject({ divName: z.string(), count: z.number().int().min(1).max(10) })).min(1),
      }),
      output: z.object({ ok: z.boolean() }),
      doc: 'Validates placement requests.',
      idempotent: true,
    }),
    missing: method({
      input: z.strictObject({ id: z.string() }),
      output: z.object({}),
      doc: 'Always answers NOT_FOUND.',
      idempotent: true,
    }),
    crash: method({ input: z.strictObject({}), output: z.object({}), doc: 'Throws an unexpected error.', idempotent: true }),
    slow: method({ input: z.strictObject({ ms: z.number() }), output: z.object({ waited: z.number() }), doc: 'Waits.', idempotent: true }),
  },
});

export function demoServer(name: string, recorded: string[] = []) {
  return createRpcServer(
    demoContract,
    {
      math: {
        add: ({ a, b }) => ({ sum: a + b, servedBy: name }),
        record: ({ value }) => {
          recorded.push(value);
          return { count: recorded.length };
        },
      },
      placements: {
        check: () => ({ ok: true }),
        missing: ({ id }) => {
          throw new RpcError('NOT_FOUND', `placement ${id} not found`);
        },
        crash: () => {
          throw new Error('secret internal detail');
        },
        slow: async ({ ms }) => {
          await new Promise((resolve) => setTimeout(resolve, ms));
          return { waited: ms };
        },
      },
    },
    { title: 'demo', version: '1.0.0', maxBodyBytes: 64 * 1024 },
  );
}

export interface RunningServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<RunningServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/rpc`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function startNodeHttpServer(name: string, recorded: string[] = []): Promise<RunningServer> {
  const handle = createNodeHttpHandler(demoServer(name, recorded));
  return listen(
    createServer((request, response) => {
      if (!handle(request, response)) {
        response.statusCode = 404;
        response.end();
      }
    }),
  );
}

export function startExpressServer(name: string): Promise<RunningServer> {
  const app = express();
  app.use('/rpc', createExpressRpcRouter(demoServer(name)));
  return listen(createServer(app));
}
