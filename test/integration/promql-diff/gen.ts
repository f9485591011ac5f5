/**
 * A seeded generator of type-correct PromQL: random compositions of selectors (with matchers,
 * offsets, `@`), range selectors, one level of subquery, the float functions, aggregations,
 * binary operators with matching modifiers, set operators and scalars.
 */
import { LABEL_VALUES } from './data.js';
import { Rand } from './rand.js';

interface Metric {
  name: string;
  counter: boolean;
  labels: readonly string[];
}

const METRICS: readonly Metric[] = [
  { name: 'http_requests_total', counter: true, labels: ['code', 'instance', 'job', 'method'] },
  { name: 'node_cpu_seconds_total', counter: true, labels: ['cpu', 'instance', 'job', 'mode'] },
  { name: 'request_duration_seconds_bucket', counter: true, labels: ['instance', 'job', 'le'] },
  { name: 'request_duration_seconds_count', counter: true, labels: ['instance', 'job'] },
  { name: 'request_duration_seconds_sum', counter: true, labels: ['instance', 'job'] },
  { name: 'up', counter: false, labels: ['instance', 'job'] },
  { name: 'queue_depth', counter: false, labels: ['instance', 'job'] },
  { name: 'node_memory_MemTotal_bytes', counter: false, labels: ['instance', 'job'] },
  { name: 'node_memory_MemAvailable_bytes', counter: false, labels: ['instance', 'job'] },
  { name: 'temperature_celsius', counter: false, labels: ['instance', 'job', 'sensor'] },
  { name: 'cache_hit_ratio', counter: false, labels: ['instance', 'job'] },
];

const RANGES = ['30s', '45s', '1m', '90s', '2m', '5m', '10m'];
const OFFSETS = ['30s', '1m', '5m', '7m30s', '-1m'];
const SUB_STEPS = ['', '10s', '17s', '30s', '1m'];
const OVER_TIME = [
  'avg_over_time',
  'min_over_time',
  'max_over_time',
  'sum_over_time',
  'count_over_time',
  'last_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'present_over_time',
  'absent_over_time',
  'changes',
  'resets',
  'delta',
  'idelta',
  'deriv',
];
const COUNTER_FNS = ['rate', 'irate', 'increase'];
const MATH = [
  'abs',
  'ceil',
  'floor',
  'exp',
  'ln',
  'log2',
  'log10',
  'sqrt',
  'sgn',
  'round',
  'timestamp',
  'deg',
  'rad',
  'sin',
  'cos',
  'atan',
  'sinh',
  'tanh',
  'asinh',
  'acos',
  'atanh',
];
const PERIODIC = ['sin', 'cos', 'tan'];
/** Text whose value may differ in the last bit between 2.42 and 3.x (summation order). */
const INEXACT =
  /\b(sum|avg|stddev|stdvar)(_over_time)?\b|\b(sin|cos|tan|exp|atan|sinh|tanh|asinh|acos|atanh)\(/;
/** `%` keeps only the low bits of a large dividend: only between values both compute exactly. */
const arithFor = (...texts: string[]) =>
  texts.some((t) => INEXACT.test(t)) ? ARITH.filter((o) => o !== '%') : ARITH;
const AGGS = ['sum', 'avg', 'min', 'max', 'count', 'stddev', 'stdvar', 'group'];
const ARITH = ['+', '-', '*', '/', '%', '^', 'atan2'];
const CMP = ['==', '!=', '>', '<', '>=', '<='];

/** A generated expression and what it depends on, to keep compositions type-correct. */
interface V {
  text: string;
  /** Labels the result may carry (for grouping and matching). */
  labels: readonly string[];
}

export class QueryGenerator {
  private readonly r: Rand;
  constructor(
    seed: number,
    /** `@` times to use (seconds, with the .777 offset). */
    private readonly atTimes: readonly string[],
  ) {
    this.r = new Rand(seed);
  }

  /** One query of any type (mostly instant vectors). */
  next(): string {
    const r = this.r;
    const x = r.next();
    if (x < 0.06) return this.scalar(2);
    if (x < 0.1) return `sort(${this.vector(2).text})`;
    if (x < 0.13) return `sort_desc(${this.vector(2).text})`;
    if (x < 0.15) return `absent(${this.vector(1).text})`;
    // A sprinkling of 2.42-only spellings: the skip list must catch them.
    if (x < 0.16) return `holt_winters(${this.range(false, false)}, 0.5, 0.5)`;
    if (x < 0.17) {
      const inner = `max_over_time((rate(${this.selector(true).text}[1m]))[5m:30s])`;
      return `${r.pick(OVER_TIME.slice(0, 4))}((${inner})[10m:1m])`;
    }
    return this.vector(3).text;
  }

  private metric(counter?: boolean): Metric {
    const ms = counter === undefined ? METRICS : METRICS.filter((m) => m.counter === counter);
    return this.r.pick(ms);
  }

  private matchers(m: Metric): string {
    const r = this.r;
    const out: string[] = [];
    for (const l of r.subset(m.labels, 2)) {
      const vals = LABEL_VALUES[l];
      const op = r.pick(['=', '=', '!=', '=~', '!~']);
      const v =
        op === '=~' || op === '!~'
          ? r.chance(0.5)
            ? `${r.pick(vals)}|${r.pick(vals)}`
            : `${r.pick(vals).slice(0, 2).replace(/[.+]/g, '\\\\$&')}.*`
          : r.pick(vals);
      out.push(`${l}${op}"${v}"`);
    }
    return out.length === 0 ? '' : `{${out.join(', ')}}`;
  }

  private modifiers(): string {
    const r = this.r;
    let s = '';
    if (r.chance(0.08))
      s += ` @ ${r.chance(0.3) ? r.pick(['start()', 'end()']) : r.pick(this.atTimes)}`;
    if (r.chance(0.15)) s += ` offset ${r.pick(OFFSETS)}`;
    return s;
  }

  private selector(counter?: boolean): V {
    const m = this.metric(counter);
    return { text: `${m.name}${this.matchers(m)}`, labels: m.labels };
  }

  /** A range vector: a range selector or (when allowed) a subquery. */
  private range(counter: boolean, sub = true): string {
    const r = this.r;
    if (sub && r.chance(0.15)) {
      const inner = this.vector(1, false).text;
      return `(${inner})[${r.pick(['2m', '5m', '10m'])}:${r.pick(SUB_STEPS)}]${this.modifiers()}`;
    }
    return `${this.selector(counter).text}[${r.pick(RANGES)}]${this.modifiers()}`;
  }

  scalar(depth: number): string {
    const r = this.r;
    const x = r.next();
    if (depth <= 0 || x < 0.45) return r.pick(['0', '1', '2', '0.5', '-1', '100', '1e3', '3.5']);
    if (x < 0.6) return `scalar(${this.vector(depth - 1).text})`;
    if (x < 0.7) return r.pick(['time()', 'pi()']);
    return `(${this.scalar(depth - 1)} ${r.pick(ARITH.slice(0, 5))} ${this.scalar(depth - 1)})`;
  }

  /** An instant vector; `sub` allows a subquery below (never nested in another subquery). */
  vector(depth: number, sub = true): V {
    const r = this.r;
    if (depth <= 0) {
      const s = this.selector();
      return { text: s.text + this.modifiers(), labels: s.labels };
    }
    const x = r.next();
    if (x < 0.12) return this.vector(0);
    if (x < 0.27) {
      const counter = r.chance(0.5);
      const f = counter ? r.pick(COUNTER_FNS) : r.pick(OVER_TIME);
      // rate/increase/irate read real counters only, never subqueries: see AVOIDED (zero cap).
      const m = this.range(counter, sub && !counter);
      return { text: `${f}(${m})`, labels: this.labelsOfRange(m) };
    }
    if (x < 0.32) {
      const f = r.pick(['quantile_over_time', 'predict_linear']);
      const m = this.range(false, sub);
      const arg =
        f === 'quantile_over_time'
          ? r.pick(['0', '0.5', '0.9', '1', '-1', '2'])
          : r.pick(['60', '600', '-30']);
      return {
        text: f === 'quantile_over_time' ? `${f}(${arg}, ${m})` : `${f}(${m}, ${arg})`,
        labels: this.labelsOfRange(m),
      };
    }
    if (x < 0.42) {
      const v = this.vector(depth - 1, sub);
      const f = r.pick(MATH);
      const extra = f === 'round' && r.chance(0.5) ? `, ${r.pick(['0.5', '10', '3'])}` : '';
      // Periodic functions of a huge argument turn its last bit into a different result.
      const arg = PERIODIC.includes(f) ? `clamp(${v.text}, -1000, 1000)` : v.text;
      return { text: `${f}(${arg}${extra})`, labels: v.labels };
    }
    if (x < 0.46) {
      const v = this.vector(depth - 1, sub);
      const f = r.pick(['clamp', 'clamp_min', 'clamp_max']);
      const args = f === 'clamp' ? `${this.scalar(0)}, ${this.scalar(0)}` : this.scalar(0);
      return { text: `${f}(${v.text}, ${args})`, labels: v.labels };
    }
    if (x < 0.48) {
      const le = r.pick(['le', 'le, job', 'le, instance']);
      const m = `request_duration_seconds_bucket${r.chance(0.3) ? '{job="api"}' : ''}[${r.pick(['1m', '5m'])}]`;
      const phi = r.pick(['0.5', '0.9', '0.99', '0', '1']);
      return {
        text: `histogram_quantile(${phi}, sum by (${le}) (rate(${m})))`,
        labels: le.split(', ').filter((l) => l !== 'le'),
      };
    }
    if (x < 0.5) {
      const v = this.vector(depth - 1, sub);
      const src = r.pick(v.labels.length > 0 ? v.labels : ['job']);
      return r.chance(0.5)
        ? {
            text: `label_replace(${v.text}, "x", "$1-y", "${src}", "(.*)")`,
            labels: [...v.labels, 'x'],
          }
        : {
            text: `label_join(${v.text}, "x", ",", "${src}", "${r.pick(v.labels.length > 0 ? v.labels : ['job'])}")`,
            labels: [...v.labels, 'x'],
          };
    }
    if (x < 0.53) {
      const f = r.pick([
        'hour',
        'minute',
        'day_of_week',
        'day_of_month',
        'month',
        'year',
        'days_in_month',
      ]);
      return r.chance(0.5)
        ? { text: `${f}()`, labels: [] }
        : { text: `${f}(timestamp(${this.vector(0).text}))`, labels: [] };
    }
    if (x < 0.55) return { text: `vector(${this.scalar(depth - 1)})`, labels: [] };
    if (x < 0.58) {
      const v = this.vector(depth - 1, sub);
      return { text: `-${v.text}`, labels: v.labels };
    }
    if (x < 0.75) return this.aggregate(depth, sub);
    if (x < 0.85) return this.vectorScalar(depth, sub);
    if (x < 0.95) return this.vectorVector(depth, sub);
    const a = this.vector(depth - 1, sub);
    const b = this.vector(depth - 1, sub);
    const op = r.pick(['and', 'or', 'unless']);
    const m = r.chance(0.3)
      ? ` ${r.pick(['on', 'ignoring'])}(${r.subset(a.labels, 2).join(', ')})`
      : '';
    return {
      text: `(${a.text} ${op}${m} ${b.text})`,
      labels: [...new Set([...a.labels, ...b.labels])],
    };
  }

  private labelsOfRange(m: string): readonly string[] {
    const name = /^[a-zA-Z_]+/.exec(m)?.[0];
    return METRICS.find((x) => x.name === name)?.labels ?? ['instance', 'job'];
  }

  private aggregate(depth: number, sub: boolean): V {
    const r = this.r;
    const x = r.next();
    const ranked = x < 0.12;
    const v = ranked ? this.continuous() : this.vector(depth - 1, sub);
    const grouping = r.subset(v.labels, 2);
    const without = r.chance(0.3);
    const mod = r.chance(0.2) ? '' : ` ${without ? 'without' : 'by'} (${grouping.join(', ')})`;
    const labels =
      mod === '' ? [] : without ? v.labels.filter((l) => !grouping.includes(l)) : grouping;
    if (x >= 0.2 && x < 0.23) {
      // count_values: grouping over the labels of its own integer-valued input.
      const inner = this.integral();
      const g = r.subset(inner.labels, 2);
      const cmod = r.chance(0.3) ? '' : ` by (${g.join(', ')})`;
      return {
        text: `count_values${cmod} ("value", ${inner.text})`,
        labels: [...(cmod === '' ? [] : g), 'value'],
      };
    }
    if (ranked)
      return {
        text: `${r.pick(['topk', 'bottomk'])}${mod} (${r.pick(['1', '2', '5'])}, ${v.text})`,
        labels: v.labels,
      };
    if (x < 0.2)
      return { text: `quantile${mod} (${r.pick(['0.5', '0.9', '0', '1'])}, ${v.text})`, labels };
    return { text: `${r.pick(AGGS)}${mod} (${v.text})`, labels };
  }

  /** An integer-valued vector (count_values turns values into labels, compared exactly). */
  private integral(): V {
    const r = this.r;
    const x = r.next();
    if (x < 0.25) return this.withLabels(r.pick(['queue_depth', 'up']));
    if (x < 0.45) return this.withLabels('temperature_celsius', (s) => `floor(${s})`);
    const m = this.metric();
    const sel = `${m.name}${this.matchers(m)}[${r.pick(RANGES)}]`;
    const f = r.pick(['changes', 'resets', 'count_over_time', 'present_over_time']);
    return { text: `${f}(${sel})`, labels: m.labels };
  }

  private withLabels(name: string, wrap: (s: string) => string = (s) => s): V {
    const m = METRICS.find((x) => x.name === name)!;
    return { text: wrap(`${m.name}${this.matchers(m)}`), labels: m.labels };
  }

  /**
   * Values that practically never tie (which of equal values topk keeps is unspecified, and
   * 2.42's choice depends on Go map order).
   */
  private continuous(): V {
    const r = this.r;
    const m = r.pick(METRICS.filter((x) => /^(http|node_cpu|node_memory_MemA)/.test(x.name)));
    const sel = `${m.name}${this.matchers(m)}`;
    const base = m.counter
      ? `${r.pick(['rate', 'increase'])}(${sel}[${r.pick(['2m', '5m'])}])`
      : sel;
    return { text: r.chance(0.3) ? `(${base} * 2)` : base, labels: m.labels };
  }

  private vectorScalar(depth: number, sub: boolean): V {
    const r = this.r;
    const v = this.vector(depth - 1, sub);
    const s = this.scalar(1);
    const cmp = r.chance(0.4);
    const op = cmp ? r.pick(CMP) + (r.chance(0.4) ? ' bool' : '') : r.pick(arithFor(v.text, s));
    const text = r.chance(0.5) ? `(${v.text} ${op} ${s})` : `(${s} ${op} ${v.text})`;
    return { text, labels: v.labels };
  }

  /** Vector-vector: one side aggregated onto the matching labels so matching mostly succeeds. */
  private vectorVector(depth: number, sub: boolean): V {
    const r = this.r;
    const m = this.metric();
    const on = r.subset(
      m.labels.filter((l) => l !== 'le'),
      2,
    );
    const left = this.vector(Math.max(0, depth - 2), sub);
    const right = `${r.pick(AGGS.slice(0, 4))} by (${on.join(', ')}) (${this.vector(Math.max(0, depth - 2), sub).text})`;
    const cmp = r.chance(0.3);
    // The right side is always an aggregation: no `%` (see arithFor).
    const op = cmp
      ? r.pick(CMP) + (r.chance(0.5) ? ' bool' : '')
      : r.pick(ARITH.filter((o) => o !== '%'));
    const y = r.next();
    if (y < 0.4)
      return {
        text: `(${left.text} ${op} on(${on.join(', ')}) group_left ${right})`,
        labels: left.labels,
      };
    if (y < 0.55)
      return {
        text: `(${right} ${op} on(${on.join(', ')}) group_right ${left.text})`,
        labels: left.labels,
      };
    if (y < 0.8) {
      const a = `sum by (${on.join(', ')}) (${left.text})`;
      return { text: `(${a} ${op} ${right})`, labels: on };
    }
    const b = this.vector(Math.max(0, depth - 2), sub);
    return {
      text: `(${left.text} ${op} ignoring(${r.subset(left.labels, 1).join(', ')}) ${b.text})`,
      labels: left.labels,
    };
  }
}
