import { Labels } from '../../../model/index.js';
import { isAbsent, type InstantFunction, type StepSeries } from '../../steps.js';
import { mapSeries, scalar, scalarArg, vector, vectorArg } from './helpers.js';

/** `time vector scalar timestamp` and the calendar functions (UTC). */
export const TIME_FUNCTIONS: ReadonlyMap<string, InstantFunction> = new Map<
  string,
  InstantFunction
>([
  ['time', (_args, ctx) => scalar(ctx.times.map((t) => t / 1000))],
  [
    'vector',
    (args) =>
      vector([{ labels: Labels.EMPTY, vs: scalarArg(args, 0).slice(), ts: null, dropName: false }]),
  ],
  [
    'scalar',
    (args, ctx) => {
      // The single value at each step, NaN when there are none or several.
      const vs = new Float64Array(ctx.steps).fill(NaN);
      const seen = new Uint32Array(ctx.steps);
      for (const s of vectorArg(args, 0)) {
        for (let i = 0; i < ctx.steps; i++) {
          const v = s.vs[i];
          if (v !== v && isAbsent(v)) continue;
          if (seen[i]++ === 0) vs[i] = v;
          else vs[i] = NaN;
        }
      }
      return scalar(vs);
    },
  ],
  [
    'timestamp',
    (args, ctx) => {
      // The picked sample's timestamp when the argument is a selector, else the evaluation time.
      const out: StepSeries[] = [];
      for (const s of vectorArg(args, 0)) {
        const ts = s.ts ?? ctx.times;
        const [m] = mapSeries([s], (_v, i) => ts[i] / 1000);
        if (m !== undefined) out.push(m);
      }
      return vector(out);
    },
  ],
  ['day_of_month', date((d) => d.getUTCDate())],
  ['day_of_week', date((d) => d.getUTCDay())],
  [
    'day_of_year',
    date((d) => Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1),
  ],
  [
    'days_in_month',
    date((d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()),
  ],
  ['hour', date((d) => d.getUTCHours())],
  ['minute', date((d) => d.getUTCMinutes())],
  ['month', date((d) => d.getUTCMonth() + 1)],
  ['year', date((d) => d.getUTCFullYear())],
]);

/**
 * A calendar function over a vector of Unix seconds (truncated to whole seconds, as Go's
 * `time.Unix(int64(v), 0)`), or over the evaluation time when called without an argument
 * (`vector(time())`: one series with no labels).
 */
function date(f: (d: Date) => number): InstantFunction {
  return (args, ctx) => {
    const series: StepSeries[] =
      args.length > 0
        ? vectorArg(args, 0)
        : [{ labels: Labels.EMPTY, vs: ctx.times.map((t) => t / 1000), ts: null, dropName: false }];
    return vector(
      mapSeries(series, (v) => {
        const d = new Date(Math.trunc(v) * 1000);
        const r = f(d);
        return Number.isNaN(d.getTime()) ? NaN : r;
      }),
    );
  };
}
