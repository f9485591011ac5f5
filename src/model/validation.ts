import { InvalidLabelsError, METRIC_NAME, type Labels } from './labels.js';

/** How metric and label names are checked: Prometheus 3.x `utf8` (default) or `legacy`. */
export type NameValidation = 'utf8' | 'legacy';

const LEGACY_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const LEGACY_METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Limits applied to every label set accepted for storage. */
export interface LabelLimits {
  maxLabelNameLength: number;
  maxLabelValueLength: number;
  maxLabelsPerSeries: number;
}

export const DEFAULT_LABEL_LIMITS: LabelLimits = {
  maxLabelNameLength: 1024,
  maxLabelValueLength: 4096,
  maxLabelsPerSeries: 64,
};

/**
 * True when `s` holds no lone UTF-16 surrogates, i.e. it can be encoded as UTF-8. (Invalid UTF-8
 * bytes are caught by the wire decoders, which decode with `fatal: true`.)
 */
export function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      if (c > 0xdbff || i + 1 >= s.length) return false;
      const d = s.charCodeAt(i + 1);
      if (d < 0xdc00 || d > 0xdfff) return false;
      i++;
    }
  }
  return true;
}

/**
 * Checks a label set against Prometheus's validity rules and the limits. Throws
 * InvalidLabelsError naming the offending label.
 */
export function validateLabels(
  ls: Labels,
  limits: LabelLimits = DEFAULT_LABEL_LIMITS,
  mode: NameValidation = 'utf8',
): void {
  if (ls.size === 0) throw new InvalidLabelsError('series has no labels');
  if (ls.size > limits.maxLabelsPerSeries) {
    throw new InvalidLabelsError(
      `series ${truncate(ls.toString())} has ${ls.size} labels, more than the limit of ${limits.maxLabelsPerSeries}`,
    );
  }
  const name = ls.get(METRIC_NAME);
  if (name === '')
    throw new InvalidLabelsError(`series ${truncate(ls.toString())} has no metric name (__name__)`);
  if (mode === 'legacy' && !LEGACY_METRIC.test(name)) {
    throw new InvalidLabelsError(`invalid metric name ${JSON.stringify(truncate(name))}`);
  }
  for (let i = 0; i < ls.size; i++) {
    const n = ls.name(i);
    const v = ls.value(i);
    if (n === '') throw new InvalidLabelsError('empty label name');
    if (n.length > limits.maxLabelNameLength) {
      throw new InvalidLabelsError(
        `label name ${JSON.stringify(truncate(n))} is ${n.length} characters long, more than the limit of ${limits.maxLabelNameLength}`,
      );
    }
    if (v.length > limits.maxLabelValueLength) {
      throw new InvalidLabelsError(
        `value of label "${truncate(n)}" is ${v.length} characters long, more than the limit of ${limits.maxLabelValueLength}`,
      );
    }
    if (mode === 'legacy' ? !LEGACY_LABEL.test(n) : !isWellFormed(n)) {
      throw new InvalidLabelsError(`invalid label name ${JSON.stringify(truncate(n))}`);
    }
    if (!isWellFormed(v)) {
      throw new InvalidLabelsError(`value of label "${truncate(n)}" is not valid UTF-8`);
    }
  }
}

function truncate(s: string, max = 120): string {
  return s.length <= max ? s : `${s.slice(0, max)}…(${s.length} chars)`;
}
