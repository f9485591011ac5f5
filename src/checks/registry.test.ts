import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { z } from 'zod';
import { commonCheckSchema, parseCheckDefinition } from './definition.js';
import { CHECK_KINDS } from './registry.js';

describe('check kind registry', () => {
  it('has every kind once, each with a description and an object schema', () => {
    assert.deepEqual([...CHECK_KINDS.keys()].sort(), [
      'dns',
      'grpc',
      'heartbeat',
      'http',
      'icmp',
      'mysql',
      'postgres',
      'promql',
      'redis',
      'tcp',
      'tls',
    ]);
    for (const k of CHECK_KINDS.values()) assert.ok(k.description.length > 10, k.name);
  });

  it('no kind declares a field the common part would take (name, interval, …)', () => {
    const common = new Set(Object.keys(commonCheckSchema.shape));
    for (const k of CHECK_KINDS.values()) {
      const shape = (k.schema as unknown as z.ZodObject).shape;
      assert.ok(shape, `${k.name}: schema is not an object`);
      const clash = Object.keys(shape).filter((f) => common.has(f));
      assert.deepEqual(clash, [], `${k.name} declares common fields`);
    }
  });

  it('a definition with a kind field next to the common ones reaches the kind', () => {
    const d = parseCheckDefinition(
      { name: 'resolver', kind: 'dns', query_name: 'example.com', interval: '30s' },
      CHECK_KINDS,
    );
    assert.equal(d.interval, 30_000);
    assert.equal((d.spec as { query_name: string }).query_name, 'example.com');
  });
});

describe('kind defaults', () => {
  it('a heartbeat is down after one failure unless the definition says otherwise', () => {
    const hb = { name: 'backup', kind: 'heartbeat', period: '1h' };
    assert.equal(parseCheckDefinition(hb, CHECK_KINDS).failure_threshold, 1);
    assert.equal(
      parseCheckDefinition({ ...hb, failure_threshold: 3 }, CHECK_KINDS).failure_threshold,
      3,
    );
    const web = { name: 'web', kind: 'http', url: 'https://example.com/' };
    assert.equal(parseCheckDefinition(web, CHECK_KINDS).failure_threshold, 2);
  });
});

describe('docs/user/checks.md', () => {
  it('documents every kind and every field of each kind', () => {
    const doc = readFileSync(path.join(process.cwd(), 'docs/user/checks.md'), 'utf8');
    for (const k of CHECK_KINDS.values()) {
      const at = doc.indexOf(`### ${k.name}\n`);
      assert.ok(at >= 0, `no section for ${k.name}`);
      const section = doc.slice(at, doc.indexOf('\n### ', at + 1));
      for (const f of Object.keys((k.schema as unknown as z.ZodObject).shape))
        assert.ok(section.includes(`| \`${f}\``), `${k.name}.${f} is not documented`);
    }
  });
});
