import { createHash } from 'node:crypto';
import type { Labels, NameValidation } from '../model/index.js';
import { LabelBuilder } from './builder.js';
import { goToLower, goToUpper } from './case.js';
import { checkRelabelConfig, isLabelName, type RelabelConfig } from './config.js';
import { type Captures, compileAnchored, expandTemplate, hasVariable } from './regex.js';

/** One compiled rule: edits `b`; false means the label set is dropped. */
type Rule = (b: LabelBuilder) => boolean;

/** A compiled, immutable list of relabel rules; safe to share and reuse concurrently. */
export interface RelabelProgram {
  /** Number of rules (0 = the identity). */
  readonly length: number;
  readonly rules: readonly Rule[];
}

export interface CompileOptions {
  /**
   * Which names a `replace` may write after `$` expansion (an invalid one skips the rule, as
   * in Prometheus): `utf8` (default, Prometheus 3) or `legacy` (`[a-zA-Z_][a-zA-Z0-9_]*`).
   */
  nameValidation?: NameValidation;
}

const LEGACY_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const NO_NAMES: Readonly<Record<string, number>> = Object.freeze(
  Object.create(null) as Record<string, number>,
);

/**
 * Compiles rules (as parsed by relabelConfigSchema, or built in code: then checked with the
 * same rules and defaults). Throws RelabelConfigError for an invalid rule.
 */
export function compileRelabel(
  configs: readonly Partial<RelabelConfig>[],
  opts: CompileOptions = {},
): RelabelProgram {
  const validName =
    opts.nameValidation === 'legacy' ? (s: string) => LEGACY_NAME.test(s) : isLabelName;
  const rules = configs.map((c) => compileRule(checkRelabelConfig(c), validName));
  return { length: rules.length, rules };
}

/**
 * Applies `program` to `labels` in order, with Prometheus semantics. Returns undefined when a
 * rule drops the set, and `labels` itself (no allocation) when no rule changed anything.
 */
export function relabel(program: RelabelProgram, labels: Labels): Labels | undefined {
  if (program.length === 0) return labels;
  const b = new LabelBuilder(labels);
  for (const rule of program.rules) if (!rule(b)) return undefined;
  return b.labels();
}

/** The source labels' values joined by the separator ('' when there are none). */
function sourceValue(c: RelabelConfig): (b: LabelBuilder) => string {
  const src = c.source_labels;
  const sep = c.separator;
  if (src.length === 0) return () => '';
  if (src.length === 1) {
    const n = src[0];
    return (b) => b.get(n);
  }
  return (b) => {
    let v = b.get(src[0]);
    for (let i = 1; i < src.length; i++) v += sep + b.get(src[i]);
    return v;
  };
}

function compileRule(c: RelabelConfig, validName: (s: string) => boolean): Rule {
  const value = sourceValue(c);
  const re = compileAnchored(c.regex);
  const target = c.target_label;
  switch (c.action) {
    case 'keep':
      return (b) => re.matches(value(b));
    case 'drop':
      return (b) => !re.matches(value(b));
    case 'keepequal':
      return (b) => b.get(target) === value(b);
    case 'dropequal':
      return (b) => b.get(target) !== value(b);
    case 'lowercase':
      return (b) => (b.set(target, goToLower(value(b))), true);
    case 'uppercase':
      return (b) => (b.set(target, goToUpper(value(b))), true);
    case 'hashmod': {
      const mod = BigInt(c.modulus);
      return (b) => (b.set(target, hashMod(value(b), mod)), true);
    }
    case 'replace':
      return compileReplace(c, value, validName);
    case 'labelmap': {
      const rep = c.replacement;
      const literal = !hasVariable(rep);
      return (b) => {
        b.forEach((n, v) => {
          if (literal) {
            if (re.matches(n)) b.set(rep, v);
            return;
          }
          const m = re.exec(n);
          if (m !== undefined) b.set(expandTemplate(rep, m), v);
        });
        return true;
      };
    }
    case 'labeldrop':
      return (b) => {
        b.forEach((n) => {
          if (re.matches(n)) b.delete(n);
        });
        return true;
      };
    case 'labelkeep':
      return (b) => {
        b.forEach((n) => {
          if (!re.matches(n)) b.delete(n);
        });
        return true;
      };
  }
}

function compileReplace(
  c: RelabelConfig,
  value: (b: LabelBuilder) => string,
  validName: (s: string) => boolean,
): Rule {
  const { target_label: target, replacement: rep } = c;
  const targetVars = hasVariable(target);
  const repVars = hasVariable(rep);
  if (c.regex === '(.*)') {
    // The default regex matches anything with group 1 = the whole value: no engine needed.
    if (!targetVars && (rep === '$1' || rep === '${1}')) {
      return (b) => (b.set(target, value(b)), true);
    }
    return (b) => {
      const v = value(b);
      const m: Captures = { groups: [v, v], names: NO_NAMES };
      return apply(b, targetVars ? expandTemplate(target, m) : target, expandTemplate(rep, m));
    };
  }
  const re = compileAnchored(c.regex);
  return (b) => {
    const m = re.exec(value(b));
    if (m === undefined) return true; // no match: no replacement
    return apply(
      b,
      targetVars ? expandTemplate(target, m) : target,
      repVars ? expandTemplate(rep, m) : rep,
    );
  };

  function apply(b: LabelBuilder, name: string, val: string): boolean {
    if (!validName(name)) return true;
    b.set(name, val); // an empty value deletes the label
    return true;
  }
}

/**
 * Prometheus's hashmod: MD5 of the UTF-8 value, the last 8 bytes read as a big-endian uint64,
 * modulo `mod`, in decimal.
 */
export function hashMod(value: string, mod: bigint): string {
  const digest = createHash('md5').update(value, 'utf8').digest();
  return (digest.readBigUInt64BE(8) % mod).toString();
}
