/**
 * Literals that every match of an RE2 regex must contain, for the bloom and the scan prefilter
 * of `|~` filters (ADR 0005 "literal prefilter"). The answer is a conjunction of any-of groups:
 * a line matching the regex contains, for every group, at least one of its strings. E.g.
 * `status=5[0-9]{2}.*timeout` → [["status=5"], ["timeout"]]; `error|warn` → [["error", "warn"]].
 *
 * Being wrong here drops matching lines, so anything not understood gives no requirement (an
 * empty answer means "no prefilter", never "no match"): case-insensitive flags, unknown
 * escapes, odd repeat syntax. Only a small, careful subset of RE2 syntax yields literals.
 */

/** A conjunction of any-of groups; each string is non-empty. */
export type LiteralGroups = string[][];

type Item =
  | { kind: 'char'; c: string; min: number; max: number }
  | { kind: 'group'; alt: Item[][]; min: number; max: number }
  | { kind: 'other' };

class Bail extends Error {}

/** Required literals of `re` (RE2 syntax); [] when none can be derived safely. */
export function regexLiterals(re: string): LiteralGroups {
  try {
    const p = new Parser(re);
    const alt = p.alt();
    if (p.i !== re.length) return [];
    return dedupe(reqAlt(alt));
  } catch (err) {
    if (err instanceof Bail) return [];
    throw err;
  }
}

const ESCAPED_CONTROL: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  f: '\f',
  v: '\v',
  a: '\x07',
};
/** Escapes that stand for a set of characters or an assertion (no literal, but understood). */
const ESCAPED_CLASS = new Set(['d', 'D', 'w', 'W', 's', 'S', 'b', 'B', 'A', 'z']);

class Parser {
  i = 0;
  constructor(private readonly s: string) {}

  alt(): Item[][] {
    const out: Item[][] = [this.concat()];
    while (this.s[this.i] === '|') {
      this.i++;
      out.push(this.concat());
    }
    return out;
  }

  concat(): Item[] {
    const items: Item[] = [];
    while (this.i < this.s.length && this.s[this.i] !== '|' && this.s[this.i] !== ')') {
      const atoms = this.atom();
      // A repeat binds to the last one (`\Qab\E+` is `ab+`).
      for (let k = 0; k < atoms.length; k++)
        items.push(k === atoms.length - 1 ? this.repeat(atoms[k]) : atoms[k]);
    }
    return items;
  }

  /** One atom (a `\Q…\E` run gives several chars). */
  atom(): Item[] {
    const s = this.s;
    const c = s[this.i];
    if (c === '(') {
      this.i++;
      if (s[this.i] === '?') {
        // (?flags) or (?flags:…) or (?P<name>…) / (?<name>…)
        const m = /^\?(?:P?<[A-Za-z0-9_]+>|([imsU-]*)(:|\)))/.exec(s.slice(this.i));
        if (!m) throw new Bail();
        this.i += m[0].length;
        const fold = m[1] !== undefined && m[1].split('-')[0].includes('i');
        if (m[2] === ')') {
          if (fold) throw new Bail(); // case folding from here on: no literal is exact
          return [{ kind: 'other' }];
        }
        if (fold) {
          this.alt(); // a case-folded group: parsed, but it yields no literals
          if (s[this.i] !== ')') throw new Bail();
          this.i++;
          return [{ kind: 'other' }];
        }
      }
      const alt = this.alt();
      if (s[this.i] !== ')') throw new Bail();
      this.i++;
      return [{ kind: 'group', alt, min: 1, max: 1 }];
    }
    if (c === '[') {
      this.skipClass();
      return [{ kind: 'other' }];
    }
    if (c === '.' || c === '^' || c === '$') {
      this.i++;
      return [{ kind: 'other' }];
    }
    if (c === '*' || c === '+' || c === '?' || c === '{') throw new Bail();
    if (c === '\\') return this.escape();
    const cp = s.codePointAt(this.i)!;
    const ch = String.fromCodePoint(cp);
    this.i += ch.length;
    return [{ kind: 'char', c: ch, min: 1, max: 1 }];
  }

  escape(): Item[] {
    const s = this.s;
    const e = s[this.i + 1];
    if (e === undefined) throw new Bail();
    this.i += 2;
    if (e === 'Q') {
      let end = s.indexOf('\\E', this.i);
      if (end < 0) end = s.length;
      const lit = s.slice(this.i, end);
      this.i = Math.min(end + 2, s.length);
      return [...lit].map((ch) => ({ kind: 'char' as const, c: ch, min: 1, max: 1 }));
    }
    if (ESCAPED_CONTROL[e] !== undefined)
      return [{ kind: 'char', c: ESCAPED_CONTROL[e], min: 1, max: 1 }];
    if (ESCAPED_CLASS.has(e)) return [{ kind: 'other' }];
    if (e === 'p' || e === 'P') {
      const m = /^(?:\{[A-Za-z_]+\}|[A-Za-z])/.exec(s.slice(this.i));
      if (!m) throw new Bail();
      this.i += m[0].length;
      return [{ kind: 'other' }];
    }
    // ASCII punctuation escapes itself; anything else (octal, \x, \C, letters) we do not trust.
    if (/^[!-/:-@[-`{-~]$/.test(e)) return [{ kind: 'char', c: e, min: 1, max: 1 }];
    throw new Bail();
  }

  skipClass(): void {
    const s = this.s;
    let i = this.i + 1;
    if (s[i] === '^') i++;
    if (s[i] === ']') i++; // a leading ] is a literal member
    for (;;) {
      if (i >= s.length) throw new Bail();
      if (s[i] === ']') break;
      if (s[i] === '\\') i += 2;
      else if (s[i] === '[' && s[i + 1] === ':') {
        const end = s.indexOf(':]', i + 2);
        if (end < 0) throw new Bail();
        i = end + 2;
      } else i++;
    }
    this.i = i + 1;
  }

  repeat(it: Item): Item {
    const s = this.s;
    let min = 1;
    let max = 1;
    const c = s[this.i];
    if (c === '*' || c === '+' || c === '?') {
      this.i++;
      min = c === '+' ? 1 : 0;
      max = c === '?' ? 1 : Infinity;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(this.i));
      if (!m) throw new Bail();
      this.i += m[0].length;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    } else return it;
    if (s[this.i] === '?') this.i++; // non-greedy: same set of matches
    const n = s[this.i];
    if (n === '*' || n === '+' || n === '?' || n === '{') throw new Bail(); // RE2 rejects `a**`
    if (it.kind === 'other') return it;
    return { ...it, min: it.min * min, max: it.max * max };
  }
}

/** Requirements of a concatenation: literal runs of must-appear chars, plus groups' own. */
function reqConcat(items: Item[]): LiteralGroups {
  const out: LiteralGroups = [];
  let run = '';
  const end = (): void => {
    if (run !== '') out.push([run]);
    run = '';
  };
  for (const it of items) {
    if (it.kind === 'char') {
      if (it.min === 0) end();
      else if (it.min === 1 && it.max === 1) run += it.c;
      else {
        // c{n,m}: n copies must be there, and the last copy is right before what follows.
        run += it.c.repeat(Math.min(it.min, 64));
        end();
        run = it.c;
      }
    } else if (it.kind === 'group') {
      const lit = it.min === 1 && it.max === 1 ? pureLiteral(it.alt) : undefined;
      if (lit !== undefined) run += lit;
      else {
        end();
        if (it.min > 0) out.push(...reqAlt(it.alt));
      }
    } else end();
  }
  end();
  return out;
}

/** The string a group matches when it is one plain literal (e.g. `(abc)`). */
function pureLiteral(alt: Item[][]): string | undefined {
  if (alt.length !== 1) return undefined;
  let s = '';
  for (const it of alt[0]) {
    if (it.kind === 'char' && it.min === 1 && it.max === 1) s += it.c;
    else if (it.kind === 'group' && it.min === 1 && it.max === 1) {
      const inner = pureLiteral(it.alt);
      if (inner === undefined) return undefined;
      s += inner;
    } else return undefined;
  }
  return s;
}

/** An alternation needs, for one group, any of one group chosen from each branch. */
function reqAlt(alt: Item[][]): LiteralGroups {
  if (alt.length === 1) return reqConcat(alt[0]);
  const any = new Set<string>();
  for (const branch of alt) {
    const groups = reqConcat(branch);
    if (groups.length === 0) return []; // a branch that needs nothing: no requirement
    for (const x of best(groups)) any.add(x);
  }
  return [[...any]];
}

/** The most selective group: fewest alternatives, then longest shortest string. */
function best(groups: LiteralGroups): string[] {
  const score = (g: string[]): number =>
    g.length * 1000 - Math.min(...g.map((x) => Math.min(x.length, 999)));
  return groups.reduce((a, b) => (score(b) < score(a) ? b : a));
}

function dedupe(groups: LiteralGroups): LiteralGroups {
  const seen = new Set<string>();
  const out: LiteralGroups = [];
  for (const g of groups) {
    const k = JSON.stringify([...g].sort());
    if (!seen.has(k)) {
      seen.add(k);
      out.push(g);
    }
  }
  return out;
}
