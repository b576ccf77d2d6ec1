// Where feeds may come from: http(s) only; never this host, a private network or a cloud
// metadata service (at every redirect, and by the addresses a name resolves to) unless the
// operator allows the host by name; local files only inside FEED_LOCAL_DIR. The feed servers
// below listen on 127.0.0.1 and are up: a refusal is the policy, not an unreachable server.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { FeedSourceError, FeedSourceRefusedError } from '../src/errors';
import type { FeedAccessPolicy } from '../src/store/feed-address-guard';
import { openFeedSource } from '../src/store/feed-source';

const root = mkdtempSync(join(tmpdir(), 'feed-source-policy-'));
const feeds = join(root, 'feeds');
const outside = join(root, 'outside');
mkdirSync(feeds);
mkdirSync(outside);
writeFileSync(join(feeds, 'feed.csv'), 'a,b\n1,2\n');
writeFileSync(join(outside, 'secret.csv'), 'secret,row\n');
symlinkSync(join(outside, 'secret.csv'), join(feeds, 'link-out.csv'));
symlinkSync(outside, join(feeds, 'dir-out'));
symlinkSync(join(feeds, 'feed.csv'), join(feeds, 'link-in.csv'));

let feedServer: Server;
let otherServer: Server;
let feedPort = 0;
let otherPort = 0;
/** Requests each server received: a refused hop must never reach the server behind it. */
const received: { feed: IncomingMessage[]; other: IncomingMessage[] } = { feed: [], other: [] };

const strict: FeedAccessPolicy = { allowedHosts: [], localDir: undefined, maxRedirects: 5 };
const open = (source: string, access: Partial<FeedAccessPolicy> = {}) =>
  openFeedSource(source, { maxBytes: 100_000, fetchTimeoutMs: 5_000, access: { ...strict, ...access } });

function isRefused(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(
      error instanceof FeedSourceRefusedError,
      `a FeedSourceRefusedError, not ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    assert.equal(error.code, 'FEED_SOURCE_REFUSED');
    assert.match(error.message, pattern);
    return true;
  };
}

before(async () => {
  otherServer = createServer((request, response) => {
    received.other.push(request);
    response.writeHead(200, { 'content-type': 'text/csv' }).end('internal,row\n');
  });
  await new Promise<void>((done) => otherServer.listen(0, '127.0.0.1', done));
  otherPort = (otherServer.address() as { port: number }).port;
  const redirects: Record<string, () => string> = {
    '/to-other-port': () => `http://127.0.0.1:${otherPort}/internal.csv`,
    '/to-other-by-name': () => `http://localhost:${otherPort}/internal.csv`,
    '/to-metadata': () => 'http://169.254.169.254/latest/meta-data/',
    '/to-metadata-name': () => 'http://metadata.google.internal/computeMetadata/v1/',
    '/to-file': () => 'file:///etc/passwd',
    '/to-same-server': () => '/feed.csv',
    '/loop': () => '/loop',
  };
  feedServer = createServer((request, response) => {
    received.feed.push(request);
    const target = redirects[request.url ?? ''];
    if (target !== undefined) response.writeHead(302, { location: target() }).end();
    else response.writeHead(200, { 'content-type': 'text/csv' }).end('a,b\n1,2\n');
  });
  await new Promise<void>((done) => feedServer.listen(0, '127.0.0.1', done));
  feedPort = (feedServer.address() as { port: number }).port;
});

after(async () => {
  for (const server of [feedServer, otherServer]) {
    const closed = new Promise<void>((done) => server.close(() => done()));
    server.closeAllConnections();
    await closed;
  }
  rmSync(root, { recursive: true, force: true });
});

test('by default a feed URL on this host is refused before any request, by address or by a name resolving to it', async () => {
  received.feed.length = 0;
  const sources = [
    `http://127.0.0.1:${feedPort}/feed.csv`,
    `http://localhost:${feedPort}/feed.csv`,
    `http://[::ffff:127.0.0.1]:${feedPort}/feed.csv`,
    `http://2130706433:${feedPort}/feed.csv`,
    `http://0.0.0.0:${feedPort}/feed.csv`,
    `https://127.0.0.1:${feedPort}/feed.csv`,
  ];
  for (const source of sources) await assert.rejects(open(source), isRefused(/loopback|unspecified/), source);
  assert.equal(received.feed.length, 0, 'the feed server, up and listening, was never asked');
});

test('private, link-local and cloud metadata addresses and names are refused; so are other schemes', async () => {
  await assert.rejects(open('http://10.0.0.1/feed.csv'), isRefused(/private/));
  await assert.rejects(open('http://169.254.169.254/latest/meta-data/'), isRefused(/metadata/));
  await assert.rejects(open('http://[fd00:ec2::254]/latest/meta-data/'), isRefused(/metadata/));
  await assert.rejects(open('http://metadata.google.internal/computeMetadata/v1/'), isRefused(/metadata/));
  await assert.rejects(open('http://100.64.1.1/feed.csv'), isRefused(/carrier-grade/));
  for (const source of ['ftp://example.com/feed.csv', 'gopher://127.0.0.1:6379/_INFO', 'data://text/plain,a']) {
    await assert.rejects(open(source), isRefused(/http\(s\) URL/), source);
  }
});

test('a host the operator allows (FEED_ALLOWED_HOSTS) is fetched, by address or by name', async () => {
  const byAddress = await open(`http://127.0.0.1:${feedPort}/feed.csv`, { allowedHosts: [{ host: '127.0.0.1', port: feedPort }] });
  assert.equal(await text(byAddress.body), 'a,b\n1,2\n');
  const byName = await open(`http://localhost:${feedPort}/feed.csv`, { allowedHosts: [{ host: 'localhost' }] });
  assert.equal(await text(byName.body), 'a,b\n1,2\n');
  await assert.rejects(
    open(`http://localhost:${feedPort}/feed.csv`, { allowedHosts: [{ host: '127.0.0.1' }] }),
    isRefused(/loopback/),
    'the name is allowed, not what it resolves to',
  );
});

test('every redirect is checked: from an allowed host to another local port, a metadata service or a file is refused, unrequested', async () => {
  const allowed = { allowedHosts: [{ host: '127.0.0.1', port: feedPort }] };
  received.other.length = 0;
  await assert.rejects(
    open(`http://127.0.0.1:${feedPort}/to-other-port`, allowed),
    isRefused(new RegExp(`redirected to http://127\\.0\\.0\\.1:${otherPort}/internal\\.csv.*loopback`)),
  );
  await assert.rejects(
    open(`http://127.0.0.1:${feedPort}/to-other-by-name`, allowed),
    isRefused(/redirected to http:\/\/localhost.*loopback/),
  );
  await assert.rejects(open(`http://127.0.0.1:${feedPort}/to-metadata`, allowed), isRefused(/metadata/));
  await assert.rejects(open(`http://127.0.0.1:${feedPort}/to-metadata-name`, allowed), isRefused(/metadata/));
  await assert.rejects(open(`http://127.0.0.1:${feedPort}/to-file`, allowed), isRefused(/file is not an allowed scheme/));
  assert.equal(received.other.length, 0, 'the server behind the refused redirect was never asked');

  const followed = await open(`http://127.0.0.1:${feedPort}/to-same-server`, allowed);
  assert.equal(await text(followed.body), 'a,b\n1,2\n', 'a redirect within the allowed host is followed');
  await assert.rejects(open(`http://127.0.0.1:${feedPort}/loop`, allowed), isRefused(/more than FEED_MAX_REDIRECTS \(5\)/));
  await assert.rejects(
    open(`http://127.0.0.1:${feedPort}/to-same-server`, { ...allowed, maxRedirects: 0 }),
    isRefused(/FEED_MAX_REDIRECTS \(0\)/),
  );
});

test('URL credentials go to the feed origin only, never along a redirect to another one', async () => {
  received.other.length = 0;
  const opened = await open(`http://user:secret@127.0.0.1:${feedPort}/to-other-port`, { allowedHosts: [{ host: '127.0.0.1' }] });
  assert.equal(await text(opened.body), 'internal,row\n');
  assert.equal(received.other.length, 1);
  assert.equal(received.other[0]!.headers.authorization, undefined);
});

test('local files: none without FEED_LOCAL_DIR; inside it only, with no way out by .. or a symbolic link', async () => {
  await assert.rejects(open('/etc/passwd'), isRefused(/FEED_LOCAL_DIR/));
  await assert.rejects(open('file:///etc/passwd'), isRefused(/FEED_LOCAL_DIR/));
  await assert.rejects(open(join(feeds, 'feed.csv')), isRefused(/FEED_LOCAL_DIR/));

  const inside = { localDir: feeds };
  for (const source of [join(feeds, 'feed.csv'), 'feed.csv', pathToFileURL(join(feeds, 'feed.csv')).href, join(feeds, 'link-in.csv')]) {
    const opened = await open(source, inside);
    assert.equal(await text(opened.body), 'a,b\n1,2\n', source);
  }
  for (const source of [
    '/etc/passwd',
    'file:///etc/passwd',
    join(feeds, '..', 'outside', 'secret.csv'),
    '../outside/secret.csv',
    join(feeds, '../../../../etc/passwd'),
  ]) {
    await assert.rejects(open(source, inside), isRefused(/outside FEED_LOCAL_DIR/), source);
  }
  for (const source of [join(feeds, 'link-out.csv'), 'dir-out/secret.csv']) {
    await assert.rejects(open(source, inside), isRefused(/symbolic link/), source);
  }
  // A refusal says nothing about what exists outside the folder.
  await assert.rejects(open(join(outside, 'no-such-file.csv'), inside), isRefused(/outside FEED_LOCAL_DIR/));
  await assert.rejects(open('missing.csv', inside), (error: unknown) => error instanceof FeedSourceError && /ENOENT/.test(error.message));
});
