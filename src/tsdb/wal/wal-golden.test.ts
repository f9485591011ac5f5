import assert from 'node:assert/strict';
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Labels, isStaleNaN, staleNaN } from '../../model/index.js';
import { encodeBatch, fileHeader } from './format.js';
import {
  RecordType,
  decodeMetadata,
  decodeSamples,
  decodeSeries,
  encodeMetadata,
  encodeSamples,
  encodeSeries,
  recordType,
} from './records.js';
import { Wal } from './wal.js';
import { tempDir } from './test-util.js';

// A version-1 segment written by Argus and kept as bytes: if this test fails, the format
// changed. Bump the version (docs/format/wal.md) and keep a reader for v1 instead of editing it.
const GOLDEN = join(process.cwd(), 'src/tsdb/wal/testdata/v1');

const series = [
  { ref: 1, labels: Labels.fromObject({ __name__: 'up', instance: 'a:9100', job: 'node' }) },
  { ref: 300, labels: Labels.fromObject({ __name__: 'temp_°c', room: 'küche' }) },
];
const refs = [1, 300, 1];
const ts = [1_700_000_000_000, 1_700_000_000_007, 1_700_000_015_000];
const metadata = [{ metric: 'up', type: 'gauge', help: 'Target is up.', unit: '' }];

describe('WAL format v1 (golden file)', () => {
  it('encoding the same records gives the same bytes', async () => {
    const vs = new Float64Array([1, 21.5, 0]);
    vs[2] = staleNaN;
    const want = Buffer.concat([
      fileHeader(),
      encodeBatch([encodeSeries(series)]),
      encodeBatch([encodeSamples(refs, ts, vs, 3), encodeMetadata(metadata)]),
    ]);
    assert.deepEqual(await readFile(join(GOLDEN, '00000000')), want);
  });

  it('replays to the same series, samples (stale marker included) and metadata', async (t) => {
    const dir = await tempDir(t);
    await cp(GOLDEN, dir, { recursive: true });
    const wal = await Wal.open({ dir });
    const got: string[] = [];
    const stats = await wal.replay((rec) => {
      switch (recordType(rec)) {
        case RecordType.Series:
          decodeSeries(rec, (ref, labels) => got.push(`series ${ref} ${labels.toString()}`));
          break;
        case RecordType.Samples:
          decodeSamples(rec, (ref, t, v) =>
            got.push(`sample ${ref} ${t} ${isStaleNaN(v) ? 'stale' : v}`),
          );
          break;
        case RecordType.Metadata:
          for (const m of decodeMetadata(rec)) got.push(`metadata ${JSON.stringify(m)}`);
      }
    });
    await wal.close();
    assert.equal(stats.corrupted, undefined);
    assert.deepEqual(got, [
      'series 1 {__name__="up", instance="a:9100", job="node"}',
      'series 300 {__name__="temp_°c", room="küche"}',
      'sample 1 1700000000000 1',
      'sample 300 1700000000007 21.5',
      'sample 1 1700000015000 stale',
      `metadata ${JSON.stringify(metadata[0])}`,
    ]);
  });
});
