import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { FEED_COLUMNS } from '../domain/feed-columns';
import { FeedFormatError } from '../errors';
import { type FeedItem, readFeedRecords } from './feed-records';
import type { FeedFormat } from './feed-source';

async function read(text: string, format: FeedFormat): Promise<FeedItem[]> {
  const items: FeedItem[] = [];
  for await (const item of readFeedRecords(Readable.from([Buffer.from(text)]), format)) items.push(item);
  return items;
}

const header = FEED_COLUMNS.filter((column) => column.required).map((column) => column.name);
const row = (title: string) => header.map((name) => (name === 'ad_title' ? title : 'x')).join(',');

test('CSV records carry the line they start on, across blank lines and quoted new lines', async () => {
  const text = `\uFEFF${header.join(',')}\r\n${row('one')}\r\n\r\n${row('"two\nlines"')}\n${row('three')}`;
  const items = await read(text, 'csv');
  assert.deepEqual(
    items.map((item) => (item.kind === 'record' ? [item.record.line, item.record.values.ad_title] : ['unreadable', item.error.line])),
    [
      [2, 'one'],
      [4, 'two\nlines'],
      [6, 'three'],
    ],
  );
});

test('a CSV row with the wrong number of cells is unreadable, the rest is read; stray quotes are characters', async () => {
  const text = [header.join(','), row('one'), 'a,b', row('four'), row('"bad"quote'), row('Title "9" inch'), row('six')].join('\n');
  const items = await read(text, 'csv');
  const summary = items.map((item) =>
    item.kind === 'record'
      ? `line ${item.record.line}: ${String(item.record.values.ad_title)}`
      : `line ${item.error.line}: ${item.error.message}`,
  );
  assert.equal(summary[0], 'line 2: one');
  assert.match(summary[1]!, /^line 3: has 2 cells, the header has \d+/);
  assert.equal(summary[2], 'line 4: four');
  assert.equal(summary[3], 'line 5: "bad"quote', 'a cell with a quote and text after it is kept as written');
  assert.equal(summary[4], 'line 6: Title "9" inch', 'a quote inside an unquoted cell is a character: one row, not two');
  assert.equal(summary[5], 'line 7: six');
  assert.equal(summary.length, 6);
});

test('a quote that is never closed ends the CSV feed with an error naming where, instead of silently swallowing the rest', async () => {
  const text = [header.join(','), row('one'), row('two'), row('"never closed'), row('four'), row('five')].join('\n');
  const seen: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const item of readFeedRecords(Readable.from([Buffer.from(text)]), 'csv'))
        if (item.kind === 'record') seen.push(String(item.record.values.ad_title));
    })(),
    (error: unknown) => {
      assert.ok(error instanceof FeedFormatError);
      assert.match(error.message, /never closed .* at or after line 4; the rest of the feed was not read/);
      assert.equal(error.problems[0]!.line, 4);
      return true;
    },
  );
  assert.deepEqual(seen, ['one', 'two']);
});

test('a feed that is not UTF-8 fails naming where, instead of storing U+FFFD', async () => {
  const latin1 = Buffer.concat([Buffer.from(`${header.join(',')}\n`), Buffer.from(`${row('Café Brûlé')}\n`, 'latin1')]);
  await assert.rejects(
    (async () => {
      for await (const _item of readFeedRecords(Readable.from([latin1]), 'csv'));
    })(),
    (error: unknown) =>
      error instanceof FeedFormatError &&
      /is not UTF-8: an invalid byte between bytes 0 and \d+; save the feed as UTF-8/.test(error.message),
  );
  const utf8 = Buffer.from(`${header.join(',')}\n${row('Café Brûlé')}\n`);
  // Split inside a two-byte character: the check reads across chunks.
  const at = utf8.indexOf(Buffer.from('é')) + 1;
  const items = [];
  for await (const item of readFeedRecords(Readable.from([utf8.subarray(0, at), utf8.subarray(at)]), 'csv')) items.push(item);
  assert.equal(items[0]!.kind === 'record' && items[0]!.record.values.ad_title, 'Café Brûlé');
});

test('a bad CSV header stops the feed with every problem named', async () => {
  await assert.rejects(read(`${header.join(',')},colour\n${row('one')},red\n`, 'csv'), (error: unknown) => {
    assert.ok(error instanceof FeedFormatError);
    assert.deepEqual(
      error.problems.map((problem) => [problem.line, problem.field]),
      [[1, 'colour']],
    );
    return true;
  });
  await assert.rejects(read('', 'csv'), FeedFormatError);
});

test('a file that is no feed fails without its text landing in the errors', async () => {
  const passwd = 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n';
  for (const format of ['csv', 'json'] as const) {
    await assert.rejects(read(passwd, format), (error: unknown) => {
      assert.ok(error instanceof FeedFormatError, format);
      const stored = JSON.stringify([error.message, error.problems]);
      assert.ok(!stored.includes('root:x') && !stored.includes('/bin/bash') && !stored.includes('root'), `${format}: ${stored}`);
      return true;
    });
  }
  const lines = await read(`${passwd}`, 'jsonl');
  for (const item of lines) {
    assert.equal(item.kind, 'unreadable');
    if (item.kind === 'unreadable')
      assert.ok(!item.error.message.includes('root') && !item.error.message.includes('daemon'), item.error.message);
  }
});

test('JSON arrays number rows by position; non-objects are unreadable', async () => {
  const items = await read(JSON.stringify([{ a: 1 }, 5, { b: 2 }]), 'json');
  assert.deepEqual(
    items.map((item) => (item.kind === 'record' ? item.record.line : `bad ${item.error.line}`)),
    [1, 'bad 2', 3],
  );
  assert.equal((await read(JSON.stringify({ rows: [{ a: 1 }] }), 'json')).length, 1);
  await assert.rejects(read('{"nope": 1}', 'json'), FeedFormatError);
  await assert.rejects(read('[{', 'json'), FeedFormatError);
});

test('JSON Lines number rows by line and skip blank lines; a bad line is unreadable', async () => {
  const items = await read('{"a":1}\n\n{oops\n[1]\n{"b":2}\n', 'jsonl');
  assert.deepEqual(
    items.map((item) => (item.kind === 'record' ? item.record.line : `bad ${item.error.line}`)),
    [1, 'bad 3', 'bad 4', 5],
  );
});
