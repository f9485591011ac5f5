import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { BULK_DEFAULTS, decodeBulk, esInfo } from './index.js';

const TESTDATA = path.join(process.cwd(), 'src/ingest/elasticsearch/testdata');
const read = (f: string) => readFileSync(path.join(TESTDATA, f), 'utf8');

describe('elasticsearch _bulk', () => {
  it('decodes a Filebeat bulk body into entries with flattened fields', () => {
    const { batch, items } = decodeBulk(read('filebeat-bulk.ndjson'), {
      ...BULK_DEFAULTS,
      streamFields: ['host.name'],
    });
    assert.deepEqual(
      items.map((i) => [i.action, i.index, i.status]),
      [
        ['create', 'filebeat-8.9.0', 201],
        ['create', 'filebeat-8.9.0', 201],
      ],
    );
    assert.ok(items.every((i) => i.id.length > 0));
    assert.equal(batch.streams.length, 1);
    assert.equal(batch.streams[0].labels.toString(), '{host_name="web-1"}');
    assert.deepEqual(batch.streams[0].entries, [
      {
        ts: 1700000000000000000n,
        line: '127.0.0.1 - - "GET / HTTP/1.1" 200 612',
        fields: [
          ['agent_type', 'filebeat'],
          ['agent_version', '8.9.0'],
          ['log_file_path', '/var/log/nginx/access.log'],
          ['log_offset', '0'],
          ['input_type', 'filestream'],
          ['ecs_version', '8.0.0'],
        ],
      },
      {
        ts: 1700000001500000000n,
        line: 'upstream timed out',
        fields: [
          ['log_level', 'error'],
          ['level', 'error'],
        ],
      },
    ]);
  });

  it('reports bad actions and documents per item with exact reasons', () => {
    const { batch, items } = decodeBulk(read('bad-bulk.ndjson'), BULK_DEFAULTS, 'dflt');
    assert.equal(batch.entries, 0);
    assert.deepEqual(
      items.map((i) => [i.action, i.index, i.status, i.error?.type, i.error?.reason]),
      [
        [
          'index',
          'a',
          400,
          'mapper_parsing_exception',
          'line 2: the document is not a JSON object',
        ],
        [
          'index',
          'dflt',
          400,
          'action_request_validation_exception',
          `line 3: the action is not JSON: ${jsonError('not json')}`,
        ],
        [
          'index',
          'dflt',
          400,
          'action_request_validation_exception',
          'line 4: want one action (index, create, update, delete)',
        ],
        [
          'update',
          'dflt',
          400,
          'illegal_argument_exception',
          'line 5: action "update" is not supported, want index or create',
        ],
        [
          'index',
          'dflt',
          400,
          'action_request_validation_exception',
          'line 7: the action has no document line',
        ],
      ],
    );
  });

  it('claims an Elasticsearch 8 node', () => {
    const info = esInfo('1.2.3') as {
      version: { number: string; build_hash: string };
      tagline: string;
    };
    assert.match(info.version.number, /^8\.\d+\.\d+$/);
    assert.equal(info.version.build_hash, '1.2.3');
    assert.equal(info.tagline, 'You Know, for Search');
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
