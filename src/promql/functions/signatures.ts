import type { ValueType } from '../ast.js';

/**
 * The type signature of a PromQL function, as Prometheus 3.x's `promql/parser/functions.go`:
 * `args` are the fixed argument types; `variadic` says how many more of the last type may follow
 * (0: none, n > 0: up to n optional, -1: any number).
 */
export interface FunctionSignature {
  readonly name: string;
  readonly args: readonly ValueType[];
  readonly variadic: number;
  readonly returns: ValueType;
  /** Behind Prometheus's `promql-experimental-functions` flag (Argus: `experimental`). */
  readonly experimental: boolean;
}

type Short = 'v' | 'm' | 's' | 'str';
const TYPES: Readonly<Record<Short, ValueType>> = {
  v: 'vector',
  m: 'matrix',
  s: 'scalar',
  str: 'string',
};

function sig(
  name: string,
  args: readonly Short[],
  returns: Short,
  opts: { variadic?: number; experimental?: boolean } = {},
): [string, FunctionSignature] {
  return [
    name,
    {
      name,
      args: args.map((a) => TYPES[a]),
      variadic: opts.variadic ?? 0,
      returns: TYPES[returns],
      experimental: opts.experimental ?? false,
    },
  ];
}

const X = { experimental: true };
const OPT1 = { variadic: 1 };

const vectorMath = [
  'abs',
  'absent',
  'acos',
  'acosh',
  'asin',
  'asinh',
  'atan',
  'atanh',
  'ceil',
  'cos',
  'cosh',
  'deg',
  'exp',
  'floor',
  'histogram_avg',
  'histogram_count',
  'histogram_sum',
  'histogram_stddev',
  'histogram_stdvar',
  'ln',
  'log10',
  'log2',
  'rad',
  'sgn',
  'sin',
  'sinh',
  'sort',
  'sort_desc',
  'sqrt',
  'tan',
  'tanh',
  'timestamp',
];
const overTime = [
  'absent_over_time',
  'avg_over_time',
  'changes',
  'count_over_time',
  'delta',
  'deriv',
  'idelta',
  'increase',
  'irate',
  'last_over_time',
  'max_over_time',
  'min_over_time',
  'present_over_time',
  'rate',
  'resets',
  'stddev_over_time',
  'stdvar_over_time',
  'sum_over_time',
];
const overTimeExperimental = [
  'first_over_time',
  'mad_over_time',
  'ts_of_first_over_time',
  'ts_of_max_over_time',
  'ts_of_min_over_time',
  'ts_of_last_over_time',
];
const timeParts = [
  'days_in_month',
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'hour',
  'minute',
  'month',
  'year',
];

/** Every PromQL function of Prometheus 3.x by name. */
export const FUNCTION_SIGNATURES: ReadonlyMap<string, FunctionSignature> = new Map([
  ...vectorMath.map((n) => sig(n, ['v'], 'v')),
  ...overTime.map((n) => sig(n, ['m'], 'v')),
  ...overTimeExperimental.map((n) => sig(n, ['m'], 'v', X)),
  ...timeParts.map((n) => sig(n, ['v'], 'v', OPT1)),
  sig('clamp', ['v', 's', 's'], 'v'),
  sig('clamp_max', ['v', 's'], 'v'),
  sig('clamp_min', ['v', 's'], 'v'),
  sig('double_exponential_smoothing', ['m', 's', 's'], 'v', X),
  sig('end', [], 's', X),
  sig('histogram_fraction', ['s', 's', 'v'], 'v'),
  sig('histogram_quantile', ['s', 'v'], 'v'),
  sig('histogram_quantiles', ['v', 'str', 's', 's'], 'v', { variadic: 9, experimental: true }),
  sig('info', ['v', 'v'], 'v', { variadic: 1, experimental: true }),
  sig('integral', ['m', 's'], 'v', { variadic: 1, experimental: true }),
  sig('label_join', ['v', 'str', 'str', 'str'], 'v', { variadic: -1 }),
  sig('label_replace', ['v', 'str', 'str', 'str', 'str'], 'v'),
  sig('max_of', ['s', 's'], 's', X),
  sig('min_of', ['s', 's'], 's', X),
  sig('pi', [], 's'),
  sig('predict_linear', ['m', 's'], 'v'),
  sig('quantile_over_time', ['s', 'm'], 'v'),
  sig('range', [], 's', X),
  sig('round', ['v', 's'], 'v', OPT1),
  sig('scalar', ['v'], 's'),
  sig('sort_by_label', ['v', 'str'], 'v', { variadic: -1, experimental: true }),
  sig('sort_by_label_desc', ['v', 'str'], 'v', { variadic: -1, experimental: true }),
  sig('start', [], 's', X),
  sig('start_timestamp', ['v'], 'v', X),
  sig('step', [], 's', X),
  sig('time', [], 's'),
  sig('vector', ['s'], 'v'),
]);
