import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { hashBytes } from '../util/index.js';
import {
  ExpositionError,
  ExpositionLimitError,
  ExpositionParser,
  acceptHeader,
  samplesOf,
  contentTypeOf,
  formatOf,
  type ExpositionFormat,
  type ParseLimits,
  type Sample,
} from './index.js';

/**
 * testdata/cases.txt: `### <format>[ limit=N…]: title`, the input lines, `---`, then one line
 * per entry the parser returns (`meta …`, a sample, or `error: <detail>` where it stops).
 */
interface Case {
  title: string;
  format: ExpositionFormat;
  strict: boolean;
  limits: Partial<ParseLimits>;
  input: Buffer;
  want: string[];
}

function loadCases(): Case[] {
  // latin1 keeps every byte as one char, so deliberately invalid UTF-8 survives the split.
  const text = readFileSync(
    path.resolve(process.cwd(), 'src/exposition/testdata/cases.txt'),
    'latin1',
  );
  return text
    .split(/^### /m)
    .slice(1)
    .map((chunk) => {
      const nl = chunk.indexOf('\n');
      const header = chunk.slice(0, nl);
      const [spec, title] = header.split(': ');
      const [fmt, ...lims] = spec.split(' ');
      const body = chunk.slice(nl + 1);
      const sep = body.indexOf('---\n');
      const limits: Partial<ParseLimits> = {};
      for (const l of lims) {
        const [k, v] = l.split('=');
        (limits as Record<string, number>)[k] = Number(v);
      }
      return {
        title,
        format: fmt.startsWith('openmetrics') ? 'openmetrics' : 'text',
        strict: fmt === 'openmetrics-strict',
        limits,
        input: Buffer.from(body.slice(0, sep), 'latin1'),
        want: Buffer.from(body.slice(sep + 4), 'latin1')
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== ''),
      };
    });
}

function render(s: Sample): string {
  let out = `${s.labels.toString()} ${s.value}`;
  if (s.exemplar !== undefined) {
    out += ` # ${s.exemplar.labels.toString()} ${s.exemplar.value}`;
    if (s.exemplar.timestampMs !== undefined) out += ` @${s.exemplar.timestampMs}`;
  }
  if (s.timestampMs !== undefined) out += ` @${s.timestampMs}`;
  return out;
}

function run(c: Case): string[] {
  const got: string[] = [];
  const p = new ExpositionParser(c.input, c.format, { strict: c.strict, limits: c.limits });
  try {
    for (let k = p.next(); k !== 'eof'; k = p.next()) {
      if (k === 'metadata') {
        const m = p.metadata();
        got.push(`meta ${m.name} ${m.type} ${JSON.stringify(m.help)} ${JSON.stringify(m.unit)}`);
      } else {
        const s: Sample = { name: p.name(), labels: p.labels(), value: p.value };
        if (p.hasTimestamp) s.timestampMs = p.timestampMs;
        const ex = p.exemplar();
        if (ex !== undefined) s.exemplar = ex;
        got.push(render(s));
      }
    }
  } catch (err) {
    assert.ok(err instanceof ExpositionError, String(err));
    got.push(`error: ${err.detail}`);
  }
  return got;
}

describe('exposition table tests (testdata/cases.txt)', () => {
  for (const c of loadCases()) {
    it(`${c.format}${c.strict ? ' strict' : ''}: ${c.title}`, () => {
      assert.deepEqual(run(c), c.want);
    });
  }
});

describe('ExpositionParser', () => {
  it('exposes the raw series span so a cache can skip building labels', () => {
    const body = Buffer.from('a{x="1"} 1\nb 2\na{x="1"} 3\n');
    const p = new ExpositionParser(body, 'text');
    const seen = new Map<number, string>();
    const built: string[] = [];
    for (let k = p.next(); k !== 'eof'; k = p.next()) {
      const h = hashBytes(body, p.seriesStart, p.seriesEnd);
      if (!seen.has(h)) {
        const l = p.labels().toString();
        built.push(l);
        seen.set(h, l);
      }
    }
    assert.deepEqual(built, ['{__name__="a", x="1"}', '{__name__="b"}']);
    assert.equal(p.samples, 3);
    assert.equal(p.line, 3);
  });

  it('skips the label block of a line matching the expected series, and still builds its labels', () => {
    /** Parses `line` with `expect` set; returns whether it was hinted, the value and the labels. */
    const hint = (line: string, expect: string, format: 'text' | 'openmetrics' = 'text') => {
      const body = format === 'openmetrics' ? `${line}\n# EOF\n` : `${line}\n`;
      const p = new ExpositionParser(Buffer.from(body), format);
      p.expect = expect;
      assert.equal(p.next(), 'sample');
      return { hinted: p.hinted, value: p.value, labels: p.labels().toString() };
    };
    assert.deepEqual(hint('m{a="1",b="x"} 7', 'm{a="1",b="x"}'), {
      hinted: true,
      value: 7,
      labels: '{__name__="m", a="1", b="x"}',
    });
    assert.deepEqual(hint('m{a="1"} 7 123', 'm{a="1"}', 'openmetrics'), {
      hinted: true,
      value: 7,
      labels: '{__name__="m", a="1"}',
    });
    // Only a whole token matches: a longer name, another value, labels after blanks (text).
    assert.equal(hint('m_total 1', 'm').hinted, false);
    assert.equal(hint('m_total 1', 'm').labels, '{__name__="m_total"}');
    assert.equal(hint('m{a="2"} 1', 'm{a="1"}').hinted, false);
    assert.equal(hint('m {a="2"} 1', 'm').hinted, false);
    assert.equal(hint('m {a="2"} 1', 'm').labels, '{__name__="m", a="2"}');
    assert.equal(hint('m 1', 'm{a="1"}').hinted, false);
    assert.equal(hint('m\t1', 'm').hinted, true);
    // Strict OpenMetrics checks every label, so it never takes the shortcut.
    const p = new ExpositionParser(Buffer.from('m{a="1"} 1\n# EOF\n'), 'openmetrics', {
      strict: true,
    });
    p.expect = 'm{a="1"}';
    assert.equal(p.next(), 'sample');
    assert.equal(p.hinted, false);
  });

  it('finds labels by name without building strings', () => {
    const p = new ExpositionParser(Buffer.from('a{le="0.5",x="y"} 1\n'), 'text');
    assert.equal(p.next(), 'sample');
    const j = p.findLabel('le');
    assert.equal(j, 0);
    assert.equal(p.buf.toString('latin1', p.labelValueStart(j), p.labelValueEnd(j)), '0.5');
    assert.equal(p.findLabel('nope'), -1);
    assert.equal(p.labelCount, 2);
  });

  it('metadata() outside a metadata entry is an error', () => {
    const p = new ExpositionParser(Buffer.from('a 1\n'), 'text');
    assert.throws(() => p.metadata(), ExpositionError);
  });

  it('limit errors are ExpositionLimitError and say the limit', () => {
    const p = new ExpositionParser(Buffer.from('a{b="1",c="2"} 1\n'), 'text', {
      limits: { maxLabels: 1 },
    });
    assert.throws(
      () => p.next(),
      (err: unknown) =>
        err instanceof ExpositionLimitError &&
        err.message === 'cannot parse text exposition: line 1: more than 1 labels on one sample',
    );
  });

  it('samplesOf streams sample objects and skips metadata', () => {
    const body = Buffer.from('# TYPE a_total counter\na_total 1 # {t="x"} 2 3\nb 4 5\n# EOF\n');
    const got = [...samplesOf(body, 'openmetrics')].map((s) => [
      s.name,
      s.value,
      s.timestampMs,
      s.exemplar?.value,
    ]);
    assert.deepEqual(got, [
      ['a_total', 1, undefined, 2],
      ['b', 4, 5000, undefined],
    ]);
    const it = samplesOf(Buffer.from('a 1\nb{ 2\n'), 'text');
    assert.equal(it.next().value?.name, 'a');
    assert.throws(() => it.next(), /line 2: expected a label name, got "2"/);
  });

  it('the end stays the end', () => {
    const p = new ExpositionParser(Buffer.from('# EOF\n'), 'openmetrics');
    assert.equal(p.next(), 'eof');
    assert.equal(p.next(), 'eof');
  });
});

describe('content negotiation', () => {
  it('asks for OpenMetrics 1.0 first, then text 0.0.4, as Prometheus', () => {
    const a = acceptHeader();
    assert.ok(a.startsWith('application/openmetrics-text;version=1.0.0,'));
    assert.ok(a.indexOf('text/plain;version=0.0.4') > a.indexOf('openmetrics-text'));
    assert.equal(acceptHeader({ openMetrics: false }).startsWith('text/plain;version=0.0.4'), true);
  });

  it('picks the parser from Content-Type', () => {
    assert.equal(
      formatOf('application/openmetrics-text; version=1.0.0; charset=utf-8'),
      'openmetrics',
    );
    assert.equal(formatOf('Application/OpenMetrics-Text'), 'openmetrics');
    assert.equal(formatOf('text/plain; version=0.0.4'), 'text');
    assert.equal(formatOf('text/html'), 'text');
    assert.equal(formatOf(undefined), 'text');
    assert.equal(formatOf(contentTypeOf('openmetrics')), 'openmetrics');
    assert.equal(formatOf(contentTypeOf('text')), 'text');
  });
});
