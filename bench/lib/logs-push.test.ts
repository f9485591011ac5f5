import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import snappy from 'snappy';
import { decodeLokiProto } from '../../src/ingest/loki/index.js';
import { BASE_MS, HOUR_MS, REGEX, generateCorpus, loadCorpus, type Corpus } from './logs-gen.js';
import { buildPushBodies } from './logs-push.js';

let dir = '';
let corpus: Corpus;
let lines: string[] = [];

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'argus-logs-bench-test-'));
  corpus = generateCorpus(path.join(dir, 'a'), 3, 2_000_000);
  lines = (await readFile(corpus.rawFile, 'utf8')).split('\n').slice(0, -1);
});
after(() => rm(dir, { recursive: true, force: true }));

test('generateCorpus: same seed, same bytes; counts match the file', async () => {
  const again = generateCorpus(path.join(dir, 'b'), 3, 2_000_000);
  assert.deepEqual(await readFile(again.rawFile), await readFile(corpus.rawFile));
  assert.equal(lines.length, corpus.lines);
  assert.equal(Buffer.byteLength(lines.join('\n')) + 1, corpus.fileBytes);
  assert.equal(lines.filter((l) => l.includes(corpus.needle)).length, 1);
  const re = new RegExp(REGEX);
  assert.equal(lines.filter((l) => re.test(l)).length, corpus.regexLines);
  assert.ok(corpus.regexLines > 0 && corpus.regexLines < corpus.lines / 200);
  const status: Record<string, number> = {};
  for (const l of lines) {
    const m = /HTTP\/1\.1" (\d{3}) /.exec(l);
    if (m) status[m[1]] = (status[m[1]] ?? 0) + 1;
  }
  assert.deepEqual(status, corpus.nginxStatus);
  assert.equal(loadCorpus(path.join(dir, 'a'), 3, 2_000_000)?.lines, corpus.lines);
  assert.equal(loadCorpus(path.join(dir, 'a'), 4, 2_000_000), undefined);
});

test('buildPushBodies: the project decoder reads back every line, in order, inside the hour', () => {
  const push = buildPushBodies(corpus, 64 * 1024);
  assert.ok(push.bodies.length > 3);
  assert.equal(push.entries, corpus.lines);
  assert.equal(push.lineBytes, corpus.lineBytes);
  const seen = new Map<string, string[]>();
  const lastTs = new Map<string, bigint>();
  let n = 0;
  for (const body of push.bodies) {
    const batch = decodeLokiProto(snappy.uncompressSync(body) as Buffer);
    for (const s of batch.streams) {
      const job = s.labels.get('job');
      assert.ok(job === 'nginx' || job === 'app');
      const key = s.labels.toString();
      const got = seen.get(key) ?? [];
      seen.set(key, got);
      for (const e of s.entries) {
        const ts = e.ts;
        assert.ok(ts > BigInt(BASE_MS) * 1_000_000n && ts < BigInt(BASE_MS + HOUR_MS) * 1_000_000n);
        assert.ok(ts >= (lastTs.get(key) ?? 0n), 'timestamps never go back within a stream');
        lastTs.set(key, ts);
        got.push(e.line);
        n++;
      }
    }
  }
  assert.equal(n, corpus.lines);
  assert.equal(seen.size, 50);
  // Within a stream, the lines arrive in file order.
  const all = [...seen.values()].flat().sort();
  assert.deepEqual(all, [...lines].sort());
  const first = [...seen.values()][0];
  const inFile = lines.filter((l) => first.includes(l));
  assert.deepEqual(first, inFile);
});
