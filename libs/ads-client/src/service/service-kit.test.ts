import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { Command } from 'commander';
import { pino } from 'pino';
import { z } from 'zod';
import { RpcError } from '../rpc/rpc-error.js';
import { connectRedis, openRedis } from './connect-redis.js';
import { subscribeWhenReady } from './subscribe-when-ready.js';
import { createHttpLogger } from './create-logger.js';
import { DataApiReader, dataApiFailure } from './data-api-reader.js';
import { commonSettings, dataApiCommandSettings, dataApiCommandSettingsHelp, parseEnvironment } from './load-config.js';
import { commonHint, runCommand, serverCommandLine } from './run-command.js';
import { COMMON_ERRORS, EXIT_CODES, ServiceError, exitCodeOf, serviceErrorClass } from './service-error.js';

const ExampleError = serviceErrorClass('ExampleError', {
  ...COMMON_ERRORS,
  NOTHING_TO_DO: { exit: 'refused', httpStatus: 409, summary: 'nothing to do' },
});

test('a declared error class carries its code, exit code, HTTP status, name and cause', () => {
  const cause = new Error('underneath');
  const error = new ExampleError('NOTHING_TO_DO', 'nothing to roll back', { cause });
  assert.ok(error instanceof ServiceError);
  assert.equal(error.name, 'ExampleError');
  assert.equal(error.code, 'NOTHING_TO_DO');
  assert.equal(error.exitCode, EXIT_CODES.refused);
  assert.equal(error.httpStatus, 409);
  assert.equal(error.cause, cause);
  assert.equal(error.field, undefined);
  assert.equal(new ExampleError('CLI_USAGE', 'not a whole number', { field: 'limit' }).field, 'limit');
  assert.equal(exitCodeOf(new ExampleError('REDIS_UNAVAILABLE', 'down')), EXIT_CODES.redisUnavailable);
  assert.equal(exitCodeOf(new Error('a bug')), EXIT_CODES.unexpected);
});

test('parseEnvironment names every variable at fault in one CONFIG_INVALID error', () => {
  const schema = z.object({ DATA_API_URLS: commonSettings.dataApiUrls, DATA_API_TOKEN: commonSettings.dataApiToken });
  assert.throws(
    () => parseEnvironment('example', schema, { DATA_API_URLS: 'ftp://x' }),
    (error: unknown) =>
      error instanceof ServiceError &&
      error.code === 'CONFIG_INVALID' &&
      error.exitCode === EXIT_CODES.config &&
      /DATA_API_URLS/.test(error.message) &&
      /DATA_API_TOKEN: is required/.test(error.message),
  );
  assert.deepEqual(parseEnvironment('example', schema, { DATA_API_URLS: 'http://a/rpc, http://b/rpc', DATA_API_TOKEN: 't' }), {
    DATA_API_URLS: ['http://a/rpc', 'http://b/rpc'],
    DATA_API_TOKEN: 't',
  });
});

async function exitOf(
  action: () => Promise<void>,
  argv: string[],
  stackTraces = false,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const program = new Command('example');
  program.command('go').option('--json').action(action);
  let stdout = '';
  let stderr = '';
  const exitCode = await runCommand(program, {
    argv,
    service: 'example',
    stackTraces,
    stdout: { write: (text) => (stdout += text) },
    stderr: { write: (text) => (stderr += text) },
  });
  return { exitCode, stdout, stderr };
}

test('runCommand turns outcomes into the platform exit codes and one JSON line with --json', async () => {
  assert.equal((await exitOf(() => Promise.resolve(), ['go'])).exitCode, 0);
  assert.equal((await exitOf(() => Promise.resolve(), ['go', '--bogus'])).exitCode, EXIT_CODES.usage);
  const refused = await exitOf(() => Promise.reject(new ExampleError('NOTHING_TO_DO', 'nothing to roll back')), ['go', '--json']);
  assert.equal(refused.exitCode, EXIT_CODES.refused);
  assert.deepEqual(JSON.parse(refused.stdout), { ok: false, code: 'NOTHING_TO_DO', message: 'nothing to roll back' });
  const bug = await exitOf(() => Promise.reject(new TypeError('oops')), ['go']);
  assert.equal(bug.exitCode, EXIT_CODES.unexpected);
  assert.equal(
    bug.stderr,
    'example: unexpected failure: oops\nexample: run it again with LOG_LEVEL=debug for the stack trace\n',
    'no stack trace unless asked for',
  );
  const debugged = await exitOf(() => Promise.reject(new TypeError('oops')), ['go'], true);
  assert.match(debugged.stderr, /^example: unexpected failure: TypeError: oops\n\s+at /, 'LOG_LEVEL=debug shows the stack');
});

test('serverCommandLine starts the server only without arguments; --help lists its variables; anything else is usage', async () => {
  const outcome = async (argv: string[]) => {
    const printed = { stdout: '', stderr: '' };
    const exitCode = await serverCommandLine({
      argv,
      service: 'example-server',
      description: 'Serves examples.',
      variables: [{ name: 'EXAMPLE_PORT', description: 'where it listens', default: '1234' }],
      stdout: { write: (text) => (printed.stdout += text) },
      stderr: { write: (text) => (printed.stderr += text) },
    });
    return { exitCode, ...printed };
  };
  assert.deepEqual(await outcome([]), { exitCode: undefined, stdout: '', stderr: '' });
  const help = await outcome(['--help']);
  assert.equal(help.exitCode, EXIT_CODES.ok);
  assert.match(help.stdout, /Usage: example-server[\s\S]*EXAMPLE_PORT +where it listens \(default: 1234\)/);
  const stray = await outcome(['--port', '80']);
  assert.equal(stray.exitCode, EXIT_CODES.usage);
  assert.match(stray.stderr, /unknown option '--port'/);
  assert.equal((await outcome(['start'])).exitCode, EXIT_CODES.usage);
});

test('a command connection to a Redis that is not there fails fast with REDIS_UNAVAILABLE and the URL without its password', async () => {
  const started = Date.now();
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  await assert.rejects(
    connectRedis('command', { url: 'redis://:secret@127.0.0.1:1/0', name: 'kit-test', logger }),
    (error: unknown) => error instanceof ServiceError && error.code === 'REDIS_UNAVAILABLE' && !error.message.includes('secret'),
  );
  assert.ok(Date.now() - started < 10_000);
  // The error is the report: no "connection lost" line for a connection that never came up.
  assert.deepEqual(lines, []);
});

test('a connection closed on purpose is not reported lost', async () => {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  const redis = await connectRedis('command', { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', name: 'kit-test', logger });
  const ended = new Promise((resolve) => redis.once('end', resolve));
  await redis.quit();
  await ended;
  assert.deepEqual(lines, []);
});

test('subscribeWhenReady on a connection still in its handshake: subscribed once, no reconnect, messages arrive', async () => {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  const publisher = await connectRedis('command', { url, name: 'kit-test-publisher', logger });
  const channel = `test:kit:${randomUUID()}`;
  // Subscribing at `connect` (socket open, handshake running): a plain subscribe() there
  // leaves every one of these connected and deaf (ioredis reconnects after its failed ready
  // check and never subscribes again).
  const subscribers = Array.from({ length: 20 }, () => openRedis('worker', { url, name: 'kit-test-subscriber', logger }));
  try {
    await Promise.all(
      subscribers.map(
        (subscriber) =>
          new Promise((resolve, reject) =>
            subscriber.once('connect', () => void subscribeWhenReady(subscriber, [channel]).then(resolve, reject)),
          ),
      ),
    );
    const received = subscribers.map((subscriber) => new Promise((resolve) => subscriber.once('message', resolve)));
    assert.equal(await publisher.publish(channel, 'hello'), subscribers.length, 'every subscriber is subscribed at the server');
    assert.deepEqual(await Promise.all(received), Array(subscribers.length).fill(channel));
    assert.deepEqual(
      lines.filter((line) => line.includes('subscriber mode') || line.includes('connection lost')),
      [],
    );
  } finally {
    for (const subscriber of subscribers) subscriber.disconnect();
    publisher.disconnect();
  }
});

test('data API failures come out with the exit code of their kind, and a refused token points at DATA_API_TOKEN', () => {
  const urls = ['http://127.0.0.1:1/rpc'];
  const unavailable = dataApiFailure('stats.query', urls, new RpcError('INTERNAL', 'database down'));
  assert.ok(
    unavailable instanceof ServiceError &&
      unavailable.code === 'DATA_API_UNAVAILABLE' &&
      unavailable.exitCode === EXIT_CODES.dataApiUnavailable,
  );
  assert.match(unavailable.message, /127\.0\.0\.1:1.*stats\.query/);
  const refused = dataApiFailure('stats.query', urls, new RpcError('UNAUTHORIZED', 'the API key is unknown or revoked'));
  assert.ok(refused instanceof ServiceError && refused.code === 'DATA_API_REFUSED' && refused.exitCode === EXIT_CODES.dataApiRefused);
  assert.match(commonHint(refused) ?? '', /DATA_API_TOKEN.*keys:create/);
  assert.match(commonHint(refused, 'the scores stay') ?? '', /^nothing was written; the scores stay\ncheck DATA_API_TOKEN/);
  const invalid = dataApiFailure('stats.query', urls, z.object({ series: z.array(z.string()) }).safeParse({ series: [1] }).error);
  assert.ok(invalid instanceof ServiceError && invalid.code === 'DATA_API_ANSWER_INVALID' && invalid.exitCode === EXIT_CODES.dataInvalid);
  assert.match(invalid.message, /series\.0/);
  const bug = new TypeError('a bug');
  assert.equal(dataApiFailure('stats.query', urls, bug), bug);
});

test('a DataApiReader call to a data API that is not there fails with DATA_API_UNAVAILABLE naming the method', async () => {
  const reader = new DataApiReader({ urls: ['http://127.0.0.1:1/rpc'], token: 'unused', timeoutMs: 2_000 });
  try {
    await assert.rejects(
      reader.snapshot(),
      (error: unknown) =>
        error instanceof ServiceError && error.code === 'DATA_API_UNAVAILABLE' && /inventory\.snapshot/.test(error.message),
    );
  } finally {
    await reader.close();
  }
});

test('the settings of a data API command parse with their defaults, and --help names each of them', () => {
  const parsed = parseEnvironment('example', z.object(dataApiCommandSettings), { DATA_API_URLS: 'http://a/rpc', DATA_API_TOKEN: 't' });
  assert.deepEqual(parsed, {
    DATA_API_URLS: ['http://a/rpc'],
    DATA_API_TOKEN: 't',
    DATA_API_TIMEOUT_MS: 60_000,
    REDIS_URL: 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: 'ads:',
    NODE_ENV: 'development',
  });
  assert.deepEqual(
    dataApiCommandSettingsHelp.map(({ name }) => name),
    Object.keys(dataApiCommandSettings),
  );
});

test('the request logger logs 4xx at warn and 5xx at error, unless levelOf says otherwise', async () => {
  const lines: Array<{ level: number; res: { statusCode: number } }> = [];
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => void (lines.push(JSON.parse(chunk.toString())), done()) });
  const httpLogger = createHttpLogger(pino(sink), { levelOf: (_request, response) => (response.statusCode === 503 ? 'info' : undefined) });
  const server = createServer((request, response) => {
    httpLogger(request, response);
    response.statusCode = Number(request.url!.slice(1));
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    for (const status of [200, 404, 500, 503]) await fetch(`http://127.0.0.1:${port}/${status}`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  assert.deepEqual(
    lines.map((line) => [line.res.statusCode, line.level]),
    [
      [200, 30],
      [404, 40],
      [500, 50],
      [503, 30],
    ],
  );
});
