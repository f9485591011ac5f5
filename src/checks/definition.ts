/**
 * A check definition: the fields every kind shares (name, interval, timeout, flap protection…)
 * and, flattened beside them, the kind's own fields (`url`, `host`, …) as Gatus and
 * blackbox_exporter modules are written. One parser serves argus.yml, the API and `argus probe`.
 */
import { z } from 'zod';
import { closestKey, formatDuration, zDuration } from '../config/index.js';
import { ArgusError } from '../util/index.js';
import type { AnyCheckKind } from './types.js';

/** Check and service names: they are ids in URLs and label values in metrics and alerts. */
export const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
export const zName = z
  .string()
  .regex(NAME_RE, 'expected 1-63 characters of [A-Za-z0-9_.-], starting with a letter or digit');

/** Label names allowed in `labels:` (Prometheus's), minus the ones the engine sets. */
const RESERVED_LABELS = new Set(['check', 'service', 'kind', 'instance', 'job', 'alertname']);
const zLabels = z.record(z.string(), z.string()).superRefine((labels, ctx) => {
  for (const k of Object.keys(labels)) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k) || k.startsWith('__'))
      ctx.addIssue({
        code: 'custom',
        path: [k],
        message: `invalid label name ${JSON.stringify(k)}`,
      });
    else if (RESERVED_LABELS.has(k))
      ctx.addIssue({ code: 'custom', path: [k], message: `label ${k} is set by Argus` });
  }
});

export const DEFAULT_INTERVAL_MS = 60_000;
export const MIN_INTERVAL_MS = 1_000;
export const DEFAULT_TIMEOUT_MS = 10_000;

/** The shared fields. The kind's fields are everything else in the object. */
export const commonCheckSchema = z
  .object({
    name: zName,
    kind: z.string(),
    description: z.string().max(1000).default(''),
    /** Time between the starts of two probes. */
    interval: zDuration.default(DEFAULT_INTERVAL_MS),
    /** Deadline of one probe; at most the interval (default min(10s, interval)). */
    timeout: zDuration.optional(),
    /**
     * Random extra delay (0..jitter) added to each run, on top of the fixed per-check offset
     * that spreads checks with the same interval evenly.
     */
    jitter: zDuration.default(0),
    /** Consecutive failed probes before the check is down (flap protection). */
    failure_threshold: z.number().int().min(1).max(100).default(2),
    /** Consecutive successful probes before a down check is up again. */
    success_threshold: z.number().int().min(1).max(100).default(1),
    /** `severity` label of the check's alerts. */
    severity: z.string().min(1).max(64).default('critical'),
    /** Extra labels on the check's metrics and alerts. */
    labels: zLabels.default({}),
    enabled: z.boolean().default(true),
  })
  .strict();

type Common = z.output<typeof commonCheckSchema>;

/** A parsed, valid check. `spec` is the kind's parsed fields. */
export interface CheckDefinition extends Omit<Common, 'timeout'> {
  readonly timeout: number;
  readonly spec: unknown;
}

/** One problem: the field's path within the check (empty: the check itself) and what is wrong. */
export interface CheckProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export class CheckDefinitionError extends ArgusError {
  /** Every problem, each `path: message` (path dotted, e.g. `tls.ca_file`). */
  readonly problems: readonly string[];
  constructor(
    readonly issues: readonly CheckProblem[],
    options?: ErrorOptions,
  ) {
    const problems = issues.map(problemText);
    super(`invalid check: ${problems.join('; ')}`, options);
    this.problems = problems;
  }
}

function problemText(p: CheckProblem): string {
  return `${p.path.length > 0 ? p.path.map(String).join('.') : '(check)'}: ${p.message}`;
}

const COMMON_KEYS = new Set(Object.keys(commonCheckSchema.shape));

/**
 * Parses one check definition (an object as YAML/JSON decode it). `kinds` is the registry.
 * Problems are worded `field: message` with the check's own field paths.
 * @throws CheckDefinitionError listing every problem.
 */
export function parseCheckDefinition(
  input: unknown,
  kinds: ReadonlyMap<string, AnyCheckKind>,
): CheckDefinition {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new CheckDefinitionError([
      { path: [], message: 'expected a mapping with name, kind and the kind’s fields' },
    ]);
  const common: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) (COMMON_KEYS.has(k) ? common : rest)[k] = v;
  const problems: CheckProblem[] = [];
  const c = commonCheckSchema.safeParse(common);
  if (!c.success) problems.push(...c.error.issues.flatMap((x) => issueText(x)));
  const kindName = typeof common.kind === 'string' ? common.kind : undefined;
  const kind = kindName === undefined ? undefined : kinds.get(kindName);
  if (kindName !== undefined && !kind) {
    problems.push({
      path: ['kind'],
      message: `unknown check kind ${JSON.stringify(kindName)} (known: ${[...kinds.keys()].sort().join(', ')})`,
    });
  }
  let spec: unknown;
  if (kind) {
    const s = kind.schema.safeParse(rest);
    // Fields of the kind and the common ones: a typo of either gets a suggestion.
    const shape = (kind.schema as unknown as { shape?: Record<string, unknown> }).shape ?? {};
    const known = [...Object.keys(shape), ...COMMON_KEYS];
    if (s.success) spec = s.data;
    else problems.push(...s.error.issues.flatMap((x) => issueText(x, known)));
  }
  if (c.success) {
    const d = c.data;
    if (d.interval < MIN_INTERVAL_MS)
      problems.push({
        path: ['interval'],
        message: `must be at least ${formatDuration(MIN_INTERVAL_MS)}`,
      });
    if (d.timeout !== undefined && d.timeout > d.interval)
      problems.push({
        path: ['timeout'],
        message: `${formatDuration(d.timeout)} is longer than the interval ${formatDuration(d.interval)}`,
      });
    if (d.timeout !== undefined && d.timeout <= 0)
      problems.push({ path: ['timeout'], message: 'must be positive' });
    if (d.interval >= MIN_INTERVAL_MS && d.jitter >= d.interval)
      problems.push({ path: ['jitter'], message: 'must be shorter than the interval' });
  }
  if (problems.length > 0 || !c.success || !kind) throw new CheckDefinitionError(problems);
  const d = { ...c.data };
  // A kind's own defaults for what the definition left out.
  if (common.failure_threshold === undefined && kind.defaults?.failure_threshold !== undefined)
    d.failure_threshold = kind.defaults.failure_threshold;
  if (common.interval === undefined && kind.defaults?.interval !== undefined)
    d.interval = kind.defaults.interval;
  return { ...d, timeout: d.timeout ?? Math.min(DEFAULT_TIMEOUT_MS, d.interval), spec };
}

function issueText(i: z.core.$ZodIssue, known?: readonly string[]): CheckProblem[] {
  const path = i.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  if (i.code === 'unrecognized_keys')
    return i.keys.map((k) => {
      const near = path.length === 0 && known ? closestKey(k, known) : undefined;
      const hint = near === undefined ? '' : ` (did you mean ${JSON.stringify(near)}?)`;
      return { path: [...path, k], message: `unknown field${hint}` };
    });
  // zod says "expected string, received undefined" for a missing field.
  if (i.code === 'invalid_type' && /received undefined$/.test(i.message))
    return [
      {
        path,
        message: `required (${i.message.replace(/^Invalid input: /, '').replace(/, received undefined$/, '')})`,
      },
    ];
  return [{ path, message: i.message }];
}
