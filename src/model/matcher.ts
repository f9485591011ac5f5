import { RE2JS } from 're2js';
import { ArgusError } from '../util/index.js';

/** The four Prometheus label matcher types. */
export type MatchType = '=' | '!=' | '=~' | '!~';

/** A matcher's regular expression does not compile. */
export class InvalidMatcherError extends ArgusError {}

/**
 * A label matcher with Prometheus semantics: regexes are fully anchored and use RE2 syntax,
 * evaluated in linear time (re2js, no backtracking). A missing label matches as ''.
 * Common regex shapes (`.*`, `.+`, literal alternations `a|b|c`) are answered without the
 * regex engine.
 */
export class Matcher {
  private readonly test: (v: string) => boolean;

  constructor(
    readonly type: MatchType,
    readonly name: string,
    readonly value: string,
  ) {
    if (type === '=' || type === '!=') {
      this.test = (v) => v === value;
    } else {
      this.test = compileAnchored(value);
    }
  }

  /** True when a label with value `v` ('' when absent) satisfies the matcher. */
  matches(v: string): boolean {
    const r = this.test(v);
    return this.type === '=' || this.type === '=~' ? r : !r;
  }

  /** True when the matcher accepts the empty string (so it also selects series lacking the label). */
  matchesEmpty(): boolean {
    return this.matches('');
  }

  /** For `=~`/`!~` of a pure alternation of literals (`a|b|c`), the literals; else undefined. */
  setValues(): string[] | undefined {
    if (this.type === '=' || this.type === '!=') return [this.value];
    return literalAlternation(this.value);
  }

  toString(): string {
    return `${this.name}${this.type}${JSON.stringify(this.value)}`;
  }
}

const META = /[\\^$.|?*+()[\]{}]/;

function literalAlternation(re: string): string[] | undefined {
  const parts = re.split('|');
  if (parts.some((p) => META.test(p))) return undefined;
  return parts;
}

function compileAnchored(re: string): (v: string) => boolean {
  if (re === '.*') return () => true;
  if (re === '.+') return (v) => v.length > 0;
  const lits = literalAlternation(re);
  if (lits) {
    if (lits.length === 1) return (v) => v === lits[0];
    const set = new Set(lits);
    return (v) => set.has(v);
  }
  let compiled: RE2JS;
  try {
    // DOTALL: Prometheus compiles label regexes with (?s) so `.` matches newlines too.
    compiled = RE2JS.compile(`^(?:${re})$`, RE2JS.DOTALL);
  } catch (err) {
    throw new InvalidMatcherError(
      `invalid regular expression ${JSON.stringify(re)}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  return (v) => compiled.matches(v);
}
