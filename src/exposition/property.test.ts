import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Labels, METRIC_NAME } from '../model/index.js';
import {
  ExpositionError,
  ExpositionLimitError,
  ExpositionParser,
  parseBody,
  type ExpositionFormat,
  type FamilyMetadata,
  type Sample,
} from './index.js';
import { encodeBody, type EncodedFamily } from './testing.js';

const metricName = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,12}$/);
const labelName = fc
  .stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/)
  .filter((n) => n !== METRIC_NAME);
const labelValue = fc.string({ unit: 'binary', maxLength: 12 });
const value = fc.double().map((v) => (Object.is(v, -0) ? 0 : v));
const labelPairs = fc.uniqueArray(fc.tuple(labelName, labelValue), {
  maxLength: 5,
  selector: (p) => p[0],
});
// The text format trims trailing blanks (lenient line ends), so HELP texts here do not end in one.
const help = fc.string({ unit: 'binary', maxLength: 20 }).filter((h) => !/[ \t\r]$/.test(h));

function family(format: ExpositionFormat): fc.Arbitrary<EncodedFamily> {
  const om = format === 'openmetrics';
  const exemplar = fc.option(
    fc.record(
      {
        labels: fc.uniqueArray(fc.tuple(labelName, fc.stringMatching(/^[a-z0-9]{1,10}$/)), {
          maxLength: 3,
          selector: (p) => p[0],
        }),
        value,
        timestampMs: fc.integer({ min: 0, max: 4e12 }),
      },
      { requiredKeys: ['labels', 'value'] },
    ),
    { nil: undefined },
  );
  return fc
    .record({
      name: metricName,
      type: fc.constantFrom('gauge', 'unknown', 'counter'),
      help,
      withMeta: fc.boolean(),
      samples: fc.array(
        fc.record({
          labels: labelPairs,
          value,
          ts: fc.option(fc.integer({ min: -1e12, max: 4e12 }), { nil: undefined }),
          exemplar: om ? exemplar : fc.constant(undefined),
        }),
        { minLength: 1, maxLength: 4 },
      ),
    })
    .map((f) => {
      const samples: Sample[] = f.samples.map((s) => {
        const out: Sample = {
          name: f.name,
          labels: Labels.fromPairs([[METRIC_NAME, f.name], ...s.labels]),
          value: s.value,
        };
        if (s.ts !== undefined) out.timestampMs = s.ts;
        if (s.exemplar !== undefined) {
          out.exemplar = { labels: Labels.fromPairs(s.exemplar.labels), value: s.exemplar.value };
          if (s.exemplar.timestampMs !== undefined)
            out.exemplar.timestampMs = s.exemplar.timestampMs;
        }
        return out;
      });
      const metadata: FamilyMetadata | undefined = f.withMeta
        ? { name: f.name, type: f.type as FamilyMetadata['type'], help: f.help, unit: '' }
        : undefined;
      return { metadata, samples };
    });
}

/** Parses, allowing only ExpositionError as a failure. */
function parsesOrTypedError(body: Buffer, format: ExpositionFormat, strict: boolean): void {
  try {
    const p = new ExpositionParser(body, format, { strict });
    for (let k = p.next(), n = 0; k !== 'eof'; k = p.next(), n++) {
      if (k === 'sample') p.labels();
      assert.ok(n <= body.length + 1, 'more entries than bytes: a loop');
    }
  } catch (err) {
    if (!(err instanceof ExpositionError)) throw err;
  }
}

describe('exposition properties', () => {
  for (const format of ['text', 'openmetrics'] as const) {
    it(`${format}: encoded families parse back to the same samples and metadata`, () => {
      fc.assert(
        fc.property(fc.array(family(format), { maxLength: 5 }), (fams) => {
          const body = Buffer.from(encodeBody(fams, format));
          const got = parseBody(body, format);
          assert.deepEqual(
            got.samples,
            fams.flatMap((f) => f.samples),
          );
          const want: FamilyMetadata[] = [];
          for (const f of fams) if (f.metadata !== undefined) want.push(f.metadata);
          assert.deepEqual(got.metadata, want);
        }),
        { numRuns: 300, seed: 42 },
      );
    });

    it(`${format}: random bytes give samples or an ExpositionError, never a crash`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
          parsesOrTypedError(Buffer.from(bytes), format, format === 'openmetrics');
        }),
        { numRuns: 2000, seed: 7 },
      );
    });

    it(`${format}: truncated and byte-flipped valid bodies give samples or an ExpositionError`, () => {
      fc.assert(
        fc.property(
          fc.array(family(format), { minLength: 1, maxLength: 3 }),
          fc.nat(),
          fc.nat(),
          fc.integer({ min: 0, max: 255 }),
          (fams, cut, at, byte) => {
            const body = Buffer.from(encodeBody(fams, format));
            parsesOrTypedError(body.subarray(0, cut % (body.length + 1)), format, false);
            const flipped = Buffer.from(body);
            flipped[at % flipped.length] = byte;
            parsesOrTypedError(flipped, format, true);
          },
        ),
        { numRuns: 1000, seed: 3 },
      );
    });
  }

  it('a huge line is refused by the line limit, and parses without one', () => {
    const big = Buffer.from(`a{b="${'x'.repeat(3 << 20)}"} 1\n`);
    assert.throws(() => parseBody(big, 'text'), ExpositionLimitError);
    const got = parseBody(big, 'text', { limits: { maxLineLength: 0 } });
    assert.equal(got.samples[0].labels.get('b').length, 3 << 20);
  });

  it('a line with no newline at all is still one bounded line', () => {
    const big = Buffer.alloc(2 << 20, 0x61);
    assert.throws(
      () => parseBody(big, 'text', { limits: { maxLineLength: 1 << 20 } }),
      ExpositionLimitError,
    );
  });

  it('a 1M-series body streams through the pull parser in bounded memory', () => {
    const lines: string[] = [];
    for (let i = 0; i < 1_000_000; i++)
      lines.push(`node_metric{host="h${i % 1000}",id="${i}"} ${i}`);
    const body = Buffer.from(lines.join('\n') + '\n');
    lines.length = 0;
    const before = process.memoryUsage().heapUsed;
    const p = new ExpositionParser(body, 'text');
    let n = 0;
    let sum = 0;
    for (let k = p.next(); k !== 'eof'; k = p.next()) {
      n++;
      sum += p.value;
    }
    const grown = process.memoryUsage().heapUsed - before;
    assert.equal(n, 1_000_000);
    assert.equal(sum, (999_999 * 1_000_000) / 2);
    // The parser keeps nothing per sample; 64 MiB is far below the ~100 B/sample a copy would take.
    assert.ok(grown < 64 << 20, `heap grew ${grown} bytes`);
    // And a sample limit stops a too-large body early.
    assert.throws(
      () => parseBody(body, 'text', { limits: { maxSamples: 1000 } }),
      /line 1001: more than 1000 samples/,
    );
  });
});
