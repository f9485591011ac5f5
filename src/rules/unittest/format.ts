/**
 * The `promtool test rules` file format: rule files, evaluation interval, group order and test
 * groups with input series, alert expectations and PromQL expectations.
 */
import { parse as parseYaml } from 'yaml';
import type { Labels } from '../../model/index.js';
import { expandValues, parseDurationMs, parseSeriesDesc } from '../../promql/index.js';
import { RuleTestFileError } from '../errors.js';

export interface InputSeries {
  labels: Labels;
  /**
   * Offset index and value; omitted positions are absent. Stale markers are a flag: V8 may
   * canonicalise a NaN stored in a double array, losing the marker's bits.
   */
  points: { i: number; v: number; stale: boolean }[];
}

export interface AlertTestCase {
  evalTimeMs: number;
  alertname: string;
  expAlerts: { labels: Record<string, string>; annotations: Record<string, string> }[];
}

export interface PromqlTestCase {
  expr: string;
  evalTimeMs: number;
  expSamples: { labels: string; value: number }[];
}

export interface TestGroup {
  name: string;
  intervalMs: number;
  /** ms since the epoch of time 0 of the test. */
  startMs: number;
  inputSeries: InputSeries[];
  externalLabels: Record<string, string>;
  externalURL: string;
  alertTests: AlertTestCase[];
  promqlTests: PromqlTestCase[];
  /** A problem found while reading the group (reported as its failure). */
  error?: string;
}

export interface UnitTestFile {
  ruleFiles: string[];
  evaluationIntervalMs: number;
  groupEvalOrder: string[];
  fuzzyCompare: boolean;
  tests: TestGroup[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string =>
  v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);

function duration(v: unknown, what: string, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  const ms = parseDurationMs(text(v));
  if (ms === undefined)
    throw new Error(`not a valid duration string for ${what}: ${JSON.stringify(text(v))}`);
  return ms;
}

function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObj(v)) for (const [k, x] of Object.entries(v)) out[k] = text(x);
  return out;
}

function parseGoFloat(s: string): number {
  if (s === '') return 0;
  const t = s.toLowerCase().replace(/^\+/, '');
  if (t === 'nan') return NaN;
  if (t === 'inf' || t === '+inf' || t === 'infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  const v = Number(s);
  if (Number.isNaN(v)) throw new Error(`cannot parse value ${JSON.stringify(s)} as a float`);
  return v;
}

function startTime(v: unknown): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v * 1000;
  const s = text(v);
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new Error(`cannot parse start_timestamp ${JSON.stringify(s)}`);
  return t;
}

function inputSeries(v: unknown): InputSeries {
  const o = isObj(v) ? v : {};
  const series = text(o.series);
  let labels: Labels;
  try {
    const d = parseSeriesDesc(series);
    if (d.rest.trim() !== '') throw new Error(`unexpected ${JSON.stringify(d.rest.trim())}`);
    labels = d.labels;
  } catch (e) {
    throw new Error(
      `cannot parse input series ${JSON.stringify(series)}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  const points: InputSeries['points'] = [];
  const vals = expandValues(text(o.values));
  vals.forEach((x, i) => {
    if (x.kind === 'float') points.push({ i, v: x.v, stale: false });
    else if (x.kind === 'stale') points.push({ i, v: 0, stale: true });
    else if (x.kind === 'histogram') {
      throw new Error(`series ${series}: native histogram values are not supported`);
    }
  });
  return { labels, points };
}

function testGroup(v: unknown, evalIntervalMs: number, index: number): TestGroup {
  const o = isObj(v) ? v : {};
  const g: TestGroup = {
    name: text(o.name),
    intervalMs: evalIntervalMs,
    startMs: 0,
    inputSeries: [],
    externalLabels: strMap(o.external_labels),
    externalURL: text(o.external_url),
    alertTests: [],
    promqlTests: [],
  };
  try {
    g.intervalMs = duration(o.interval, 'interval', evalIntervalMs);
    g.startMs = startTime(o.start_timestamp);
    g.inputSeries = list(o.input_series).map(inputSeries);
    g.alertTests = list(o.alert_rule_test).map((a) => {
      const x = isObj(a) ? a : {};
      return {
        evalTimeMs: duration(x.eval_time, 'eval_time', 0),
        alertname: text(x.alertname),
        expAlerts: list(x.exp_alerts).map((e) => {
          const y = isObj(e) ? e : {};
          return { labels: strMap(y.exp_labels), annotations: strMap(y.exp_annotations) };
        }),
      };
    });
    g.promqlTests = list(o.promql_expr_test).map((p) => {
      const x = isObj(p) ? p : {};
      return {
        expr: text(x.expr),
        evalTimeMs: duration(x.eval_time, 'eval_time', 0),
        expSamples: list(x.exp_samples).map((s) => {
          const y = isObj(s) ? s : {};
          if (y.histogram !== undefined)
            throw new Error('native histogram samples are not supported');
          return { labels: text(y.labels), value: parseGoFloat(text(y.value)) };
        }),
      };
    });
  } catch (e) {
    g.error = `    test group ${index + 1}: ${(e as Error).message}`;
  }
  return g;
}

/** Parses a unit test file's text. Throws RuleTestFileError for YAML or top-level problems. */
export function parseUnitTestFile(src: string, file: string): UnitTestFile {
  let doc: unknown;
  try {
    // Failsafe: every scalar stays text, as Go decodes into string fields (`0x10` is a value
    // list, not the YAML 1.2 integer 16).
    doc = parseYaml(src, { merge: true, schema: 'failsafe' });
  } catch (e) {
    throw new RuleTestFileError(`cannot parse ${file}: ${(e as Error).message.split('\n')[0]}`, {
      cause: e,
    });
  }
  const o = isObj(doc) ? doc : {};
  let evalMs: number;
  try {
    evalMs = duration(o.evaluation_interval, 'evaluation_interval', 60_000);
  } catch (e) {
    throw new RuleTestFileError(`cannot parse ${file}: ${(e as Error).message}`, { cause: e });
  }
  return {
    ruleFiles: list(o.rule_files).map(text),
    evaluationIntervalMs: evalMs,
    groupEvalOrder: list(o.group_eval_order).map(text),
    fuzzyCompare: text(o.fuzzy_compare) === 'true',
    tests: list(o.tests).map((t, i) => testGroup(t, evalMs, i)),
  };
}
