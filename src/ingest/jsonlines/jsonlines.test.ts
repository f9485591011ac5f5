import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { decodeJsonLines, JSONLINE_DEFAULTS } from './index.js';

const TESTDATA = path.join(process.cwd(), 'src/ingest/jsonlines/testdata');

describe('JSON lines', () => {
  it('decodes lines with VictoriaLogs field names, stream fields as labels', () => {
    const got = decodeJsonLines(readFileSync(path.join(TESTDATA, 'app.jsonl'), 'utf8'), {
      ...JSONLINE_DEFAULTS,
      streamFields: ['app'],
    });
    assert.equal(got.lines, 3);
    assert.deepEqual(got.skipped, []);
    assert.deepEqual(
      got.batch.streams.map((s) => s.labels.toString()),
      ['{app="auth"}', '{app="web"}'],
    );
    assert.deepEqual(got.batch.streams[0].entries, [
      {
        ts: 1700000000000000000n,
        line: 'user logged in',
        fields: [
          ['level', 'info'],
          ['user_id', '42'],
          ['user_roles', '["admin"]'],
        ],
      },
      {
        ts: 1700000001000000000n,
        line: 'cache miss',
        fields: [
          ['severity', 'debug'],
          ['level', 'debug'],
        ],
      },
    ]);
    assert.deepEqual(got.batch.streams[1].entries, [
      { ts: 1700000002000000000n, line: 'bad \uFFFD surrogate' },
    ]);
  });

  it('skips bad lines with exact reasons; invalid UTF-8 is replaced, not fatal', () => {
    const text = readFileSync(path.join(TESTDATA, 'bad.jsonl')).toString('utf8');
    const got = decodeJsonLines(text, JSONLINE_DEFAULTS);
    assert.equal(got.lines, 4);
    assert.deepEqual(got.batch.streams[0].entries, [
      {
        ts: got.batch.streams[0].entries[0].ts,
        line: 'bad byte \uFFFD here',
        fields: [['app', 'web']],
      },
    ]);
    assert.equal(got.batch.streams[0].labels.toString(), '{service_name="unknown_service"}');
    assert.deepEqual(
      got.skipped.map((s) => s.reason),
      [
        `line 2 is not JSON: ${jsonError('not json')}`,
        'line 3 is not a JSON object',
        'cannot parse _time "soon" of line 4: want RFC 3339 or a Unix time in s, ms, µs or ns',
      ],
    );
  });
});

function jsonError(s: string): string {
  try {
    JSON.parse(s);
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}
