import { isWellFormed, Labels, METRIC_NAME } from '../../../model/index.js';
import { RE2JS } from 're2js';
import { QueryExecutionError } from '../../errors.js';
import { isAbsent, type InstantFunction, type StepSeries } from '../../steps.js';
import { stringArg, vector, vectorArg } from './helpers.js';

/** `label_replace` and `label_join`. */
export const LABEL_FUNCTIONS: ReadonlyMap<string, InstantFunction> = new Map<
  string,
  InstantFunction
>([
  [
    'label_replace',
    (args) => {
      const dst = stringArg(args, 1);
      const repl = stringArg(args, 2);
      const src = stringArg(args, 3);
      const regex = stringArg(args, 4);
      let re: RE2JS;
      try {
        // Fully anchored, `.` matching newlines, as Prometheus.
        re = RE2JS.compile(`^(?s:${regex})$`);
      } catch (err) {
        throw new QueryExecutionError(`invalid regular expression in label_replace(): ${regex}`, {
          cause: err,
        });
      }
      checkName('label_replace', 'destination', dst);
      const names = re.namedGroups();
      return vector(
        relabel(vectorArg(args, 0), dst, (ls) => {
          const m = re.matcher(ls.get(src));
          if (!m.matches()) return null;
          return expand(repl, (g) => {
            const idx = /^\d+$/.test(g) ? Number(g) : names[g];
            if (idx === undefined || idx > m.groupCount()) return '';
            return m.group(idx) ?? '';
          });
        }),
      );
    },
  ],
  [
    'label_join',
    (args) => {
      const dst = stringArg(args, 1);
      const sep = stringArg(args, 2);
      const srcs: string[] = [];
      for (let i = 3; i < args.length; i++) {
        const s = stringArg(args, i);
        checkName('label_join', 'source', s);
        srcs.push(s);
      }
      checkName('label_join', 'destination', dst);
      return vector(relabel(vectorArg(args, 0), dst, (ls) => srcs.map((s) => ls.get(s)).join(sep)));
    },
  ],
]);

/** Prometheus 3.x label names: any non-empty valid UTF-8 (U+FFFD stands for an invalid byte). */
function checkName(fn: string, what: string, name: string): void {
  if (name === '' || !isWellFormed(name) || name.includes('\ufffd')) {
    throw new QueryExecutionError(`invalid ${what} label name in ${fn}(): ${name}`);
  }
}

/**
 * Sets label `dst` of every series to `value(labels)` (deleted when empty; unchanged when
 * null). A series whose `__name__` is set explicitly keeps it (dropName cleared). Series that
 * end up with the same labels are merged when they never have values at the same step, else
 * the result is an error, as Prometheus.
 */
function relabel(
  series: readonly StepSeries[],
  dst: string,
  value: (ls: Labels) => string | null,
): StepSeries[] {
  const byKey = new Map<string, StepSeries>();
  const out: StepSeries[] = [];
  for (const s of series) {
    const v = value(s.labels);
    // ts: null — timestamp() of a function result is the evaluation time, as Prometheus.
    let next: StepSeries = { labels: s.labels, vs: s.vs, ts: null, dropName: s.dropName };
    if (v !== null) {
      const pairs = s.labels.flat;
      const kept: [string, string][] = [];
      for (let i = 0; i < pairs.length; i += 2) {
        if (pairs[i] !== dst) kept.push([pairs[i], pairs[i + 1]]);
      }
      if (v !== '') kept.push([dst, v]);
      next = {
        labels: Labels.fromPairs(kept),
        vs: s.vs,
        ts: null,
        dropName: dst === METRIC_NAME ? false : s.dropName,
      };
    }
    const key = next.labels.flat.join('\ud800');
    const prev = byKey.get(key);
    if (prev === undefined) {
      byKey.set(key, next);
      out.push(next);
      continue;
    }
    const merged = merge(prev, next);
    byKey.set(key, merged);
    out[out.indexOf(prev)] = merged;
  }
  return out;
}

function merge(a: StepSeries, b: StepSeries): StepSeries {
  const vs = a.vs.slice();
  for (let i = 0; i < vs.length; i++) {
    const v = b.vs[i];
    if (v !== v && isAbsent(v)) continue;
    if (!isAbsent(vs[i])) {
      throw new QueryExecutionError('vector cannot contain metrics with the same labelset');
    }
    vs[i] = v;
  }
  return { labels: a.labels, vs, ts: null, dropName: a.dropName || b.dropName };
}

/**
 * Go's regexp Expand: `$name` / `${name}` (name: letters, digits, `_`; a number is a group
 * index) → the group's text, `$$` → `$`; unknown groups expand to ''.
 */
export function expand(template: string, group: (name: string) => string): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, d);
    const rest = template.slice(d + 1);
    if (rest.startsWith('$')) {
      out += '$';
      i = d + 2;
      continue;
    }
    const m = /^\{([A-Za-z0-9_]+)\}/.exec(rest) ?? /^([A-Za-z0-9_]+)/.exec(rest);
    if (m === null) {
      // Not a valid reference: Go keeps the '$' literally.
      out += '$';
      i = d + 1;
      continue;
    }
    out += group(m[1]);
    i = d + 1 + m[0].length;
  }
  return out;
}
