import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ExpositionError, parseBody, type ExpositionFormat } from './index.js';
import { encodeBody, type EncodedFamily } from './testing.js';

const ROOT = path.resolve(process.cwd(), '../shared/conformance/exposition');
const OM = path.join(ROOT, 'openmetrics');
const TP = path.join(ROOT, 'prometheus-textparse');
const omMissing = !existsSync(path.join(OM, 'expected.tsv'));
const tpMissing = !existsSync(TP);

interface Case {
  name: string;
  pass: boolean;
  body: Buffer;
}

function cases(): Case[] {
  return readFileSync(path.join(OM, 'expected.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [name, expected] = l.split('\t');
      return {
        name,
        pass: expected === 'pass',
        body: readFileSync(path.join(OM, 'parsers', name, 'metrics')),
      };
    });
}

function accepts(body: Buffer, format: ExpositionFormat, strict: boolean): boolean {
  try {
    parseBody(body, format, { strict });
    return true;
  } catch (err) {
    // Rejections are always typed: never a crash inside the parser.
    assert.ok(err instanceof ExpositionError, `not an ExpositionError: ${String(err)}`);
    return false;
  }
}

describe('OpenMetrics conformance suite', { skip: omMissing ? `absent: ${OM}` : false }, () => {
  it('strict mode accepts all 44 pass cases and rejects all 167 fail cases', () => {
    const all = cases();
    const wrong = all
      .filter((c) => accepts(c.body, 'openmetrics', true) !== c.pass)
      .map((c) => c.name);
    assert.deepEqual(wrong, []);
    assert.equal(all.filter((c) => c.pass).length, 44);
    assert.equal(all.filter((c) => !c.pass).length, 167);
  });

  it('grammar-only OpenMetrics and the text parser are more lenient (counts in docs/format/exposition.md)', () => {
    const all = cases();
    const lax = all.filter((c) => accepts(c.body, 'openmetrics', false));
    // Every pass case still parses without the semantic checks.
    assert.equal(lax.filter((c) => c.pass).length, 44);
    assert.equal(lax.length, 120);
    const text = all.filter((c) => accepts(c.body, 'text', false));
    assert.equal(text.length, 97);
    // 13 pass cases use OpenMetrics-only syntax (exemplars, float timestamps, new types).
    assert.equal(text.filter((c) => c.pass).length, 31);
  });

  it('returns the expected samples for named cases', () => {
    const get = (n: string): ReturnType<typeof parseBody> =>
      parseBody(readFileSync(path.join(OM, 'parsers', n, 'metrics')), 'openmetrics', {
        strict: true,
      });
    const ts = get('timestamps').samples.map((s) => s.timestampMs);
    assert.deepEqual(ts, [0, 0, 1100, 12345678901234567890123, 1500000, 1234567890000]);
    const esc = get('escaping').samples.map((s) => s.labels.get('foo'));
    assert.deepEqual(esc, ['b"a\nr', 'b\\a\\z', 'b"a\nr # ', 'b\\a\\z # ']);
    assert.equal(get('escaping').metadata[0].help, 'he\n\\l\\tp');
    const ex = get('histogram_exemplars').samples[2].exemplar;
    assert.equal(ex?.value, 4);
    assert.equal(ex?.timestampMs, 123000);
    assert.equal(get('counter_unit').metadata[0].unit, 'seconds');
    assert.deepEqual(
      get('counter_unit').samples.map((s) => [s.name, s.value]),
      [
        ['cc_seconds_total', 1],
        ['cc_seconds_created', 123.456],
      ],
    );
    assert.equal(get('uint64_counter').samples[0].value, 9223372036854775808);
    assert.ok(Number.isNaN(get('nan').samples[0].value));
    assert.equal(get('null_byte').metadata[0].help, 'he\0lp');
    assert.equal(get('empty_label').samples[1].labels.has('foo'), false);
    assert.equal(get('simple_stateset').metadata[0].type, 'stateset');
    assert.deepEqual(
      get('label_escaping').samples.map((s) => s.labels.get('foo')),
      ['foo', '\\foo', '\\foo', 'foo\\', '\\', '\n', '\\n', '\\\n', '"', '\\"'],
    );
  });
});

describe('Prometheus textparse inputs', { skip: tpMissing ? `absent: ${TP}` : false }, () => {
  const files: [string, ExpositionFormat, number, number][] = [
    ['alltypes.237mfs.prom.txt', 'text', 1857, 237],
    ['alltypes.237mfs.nometa.prom.txt', 'text', 1857, 0],
    ['alltypes.5mfs.om.txt', 'openmetrics', 53, 5],
    ['1histogram.om.txt', 'openmetrics', 42, 1],
  ];
  for (const [file, format, samples, families] of files) {
    it(`${file}: ${samples} samples, ${families} families, text -> model -> text round-trips`, () => {
      const parsed = parseBody(readFileSync(path.join(TP, file)), format);
      assert.equal(parsed.samples.length, samples);
      assert.equal(parsed.metadata.length, families);
      // Re-encode family by family (metadata before its samples) and parse again.
      const fams: EncodedFamily[] = [];
      for (const s of parsed.samples) {
        const md = parsed.metadata.find(
          (m) => s.name === m.name || s.name.startsWith(m.name + '_'),
        );
        const last = fams[fams.length - 1];
        if (last !== undefined && last.metadata === md) last.samples.push(s);
        else fams.push({ metadata: md, samples: [s] });
      }
      const again = parseBody(Buffer.from(encodeBody(fams, format)), format);
      assert.deepEqual(again.samples, parsed.samples);
    });
  }

  it('alltypes.5mfs.om.txt breaks strict OpenMetrics (a negative histogram sum from client_golang)', () => {
    assert.throws(
      () =>
        parseBody(readFileSync(path.join(TP, 'alltypes.5mfs.om.txt')), 'openmetrics', {
          strict: true,
        }),
      /line 33: sum of "rpc_durations_histogram_seconds_sum" must not be NaN or negative/,
    );
  });
});
