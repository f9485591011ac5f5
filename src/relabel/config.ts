import { z } from 'zod';
import { describeValue } from '../config/index.js';
import { isWellFormed } from '../model/index.js';
import { compileAnchored, RelabelConfigError } from './regex.js';

/** The relabel actions, as written in prometheus.yml (matched case-insensitively). */
export const RELABEL_ACTIONS = [
  'replace',
  'keep',
  'drop',
  'keepequal',
  'dropequal',
  'hashmod',
  'labelmap',
  'labeldrop',
  'labelkeep',
  'lowercase',
  'uppercase',
] as const;

export type RelabelAction = (typeof RELABEL_ACTIONS)[number];

/** Prometheus's defaults for omitted keys. */
export const RELABEL_DEFAULTS = {
  separator: ';',
  regex: '(.*)',
  replacement: '$1',
  action: 'replace',
} as const;

/**
 * A YAML scalar read as text: prometheus.yml users write `replacement: 1` or `regex: 404`, which
 * Go's YAML decoder accepts for string fields.
 */
const zText = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

const zAction = z.string().transform((s, ctx) => {
  const a = s.toLowerCase();
  if ((RELABEL_ACTIONS as readonly string[]).includes(a)) return a as RelabelAction;
  ctx.addIssue({
    code: 'custom',
    message: `expected one of ${RELABEL_ACTIONS.map((x) => JSON.stringify(x)).join(', ')}, got ${describeValue(s)}`,
  });
  return z.NEVER;
});

const zLabelName = z.string().superRefine((s, ctx) => {
  if (!isLabelName(s))
    ctx.addIssue({ code: 'custom', message: `expected a label name, got ${describeValue(s)}` });
});

/** A label name under Prometheus 3's UTF-8 rules: non-empty, well-formed Unicode. */
export function isLabelName(s: string): boolean {
  return s.length > 0 && isWellFormed(s);
}

const rawShape = z
  .object({
    source_labels: z.array(zLabelName).optional(),
    separator: zText.optional(),
    target_label: zText.optional(),
    /** null (`regex:` with no value) is the empty regex, as in Prometheus. */
    regex: zText.nullable().optional(),
    modulus: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
    replacement: zText.optional(),
    action: zAction.optional(),
  })
  .strict();

type RawRelabelConfig = z.output<typeof rawShape>;

/** One `relabel_configs` / `metric_relabel_configs` entry, with Prometheus's defaults applied. */
export interface RelabelConfig {
  source_labels: string[];
  separator: string;
  target_label: string;
  regex: string;
  /** 0 when not set (only hashmod uses it, and requires it). */
  modulus: number;
  replacement: string;
  action: RelabelAction;
}

/**
 * One relabel rule, keys exactly as in prometheus.yml, checked with Prometheus's rules (which
 * keys each action requires or refuses, valid target labels, compilable regex).
 */
export const relabelConfigSchema = rawShape
  .superRefine((raw, ctx) => {
    const problem = checkRule(raw);
    if (problem) ctx.addIssue({ code: 'custom', path: [problem.key], message: problem.message });
  })
  .transform(withDefaults);

function withDefaults(raw: RawRelabelConfig): RelabelConfig {
  return {
    source_labels: raw.source_labels ?? [],
    separator: raw.separator ?? RELABEL_DEFAULTS.separator,
    target_label: raw.target_label ?? '',
    regex: raw.regex === null ? '' : (raw.regex ?? RELABEL_DEFAULTS.regex),
    modulus: raw.modulus ?? 0,
    replacement: raw.replacement ?? RELABEL_DEFAULTS.replacement,
    action: raw.action ?? RELABEL_DEFAULTS.action,
  };
}

interface Problem {
  key: keyof RawRelabelConfig;
  message: string;
}

const NEEDS_TARGET = new Set<RelabelAction>([
  'replace',
  'hashmod',
  'lowercase',
  'uppercase',
  'keepequal',
  'dropequal',
]);
const NO_REPLACEMENT = new Set<RelabelAction>(['lowercase', 'uppercase', 'keepequal', 'dropequal']);

/**
 * The first problem with a rule, in Prometheus's order (`relabel.Config.Validate`), or
 * undefined.
 */
function checkRule(raw: RawRelabelConfig): Problem | undefined {
  const c = withDefaults(raw);
  const act = JSON.stringify(c.action);
  if (c.regex !== RELABEL_DEFAULTS.regex) {
    try {
      compileAnchored(c.regex);
    } catch (err) {
      if (!(err instanceof RelabelConfigError)) throw err;
      const why = err.message.replace(/^cannot compile regex "(?:[^"\\]|\\.)*": /, '');
      return {
        key: 'regex',
        message: `expected an RE2 regular expression, got ${JSON.stringify(c.regex)} (${why})`,
      };
    }
  }
  if (c.action === 'hashmod' && c.modulus === 0) {
    return {
      key: 'modulus',
      message: `action "hashmod" requires a modulus (a positive integer), got ${describeValue(raw.modulus)}`,
    };
  }
  if (NEEDS_TARGET.has(c.action) && c.target_label === '') {
    return { key: 'target_label', message: `action ${act} requires target_label` };
  }
  // With UTF-8 names any non-empty, well-formed string is a label name, `$` references included.
  if (NEEDS_TARGET.has(c.action) && !isLabelName(c.target_label)) {
    return {
      key: 'target_label',
      message: `expected a label name for action ${act}, got ${describeValue(c.target_label)}`,
    };
  }
  if (NO_REPLACEMENT.has(c.action) && c.replacement !== RELABEL_DEFAULTS.replacement) {
    return {
      key: 'replacement',
      message: `action ${act} does not take replacement, got ${describeValue(c.replacement)}`,
    };
  }
  if (c.action === 'labelmap' && !isLabelName(c.replacement)) {
    return {
      key: 'replacement',
      message: `expected a label name (may use $1-style references) for action "labelmap", got ${describeValue(c.replacement)}`,
    };
  }
  if (c.action === 'keepequal' || c.action === 'dropequal') {
    const extra = (['regex', 'modulus', 'separator'] as const).find(
      (k) => c[k] !== (k === 'modulus' ? 0 : RELABEL_DEFAULTS[k]),
    );
    if (extra !== undefined) {
      return {
        key: extra,
        message: `action ${act} takes only source_labels and target_label, got ${extra} ${describeValue(raw[extra])}`,
      };
    }
  }
  if (c.action === 'labeldrop' || c.action === 'labelkeep') {
    // Prometheus also refuses `source_labels: []`; an empty list is accepted here so that a
    // parsed rule (defaults applied) checks the same when compiled.
    const extra =
      c.source_labels.length > 0
        ? ('source_labels' as const)
        : (['target_label', 'modulus', 'separator', 'replacement'] as const).find(
            (k) => c[k] !== (k === 'modulus' ? 0 : k === 'target_label' ? '' : RELABEL_DEFAULTS[k]),
          );
    if (extra !== undefined) {
      return {
        key: extra,
        message: `action ${act} takes only regex, got ${extra} ${shown(raw[extra])}`,
      };
    }
  }
  return undefined;
}

function shown(v: unknown): string {
  return Array.isArray(v) ? JSON.stringify(v) : describeValue(v);
}

/**
 * Checks a rule built in code (not read through the schema) and applies the defaults. Throws
 * RelabelConfigError with the same message the schema would give.
 */
export function checkRelabelConfig(rule: Partial<RelabelConfig>): RelabelConfig {
  const res = relabelConfigSchema.safeParse(rule);
  if (res.success) return res.data;
  const issue = res.error.issues[0];
  throw new RelabelConfigError(
    `cannot use relabel rule: ${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`,
  );
}
