import type { LabelsBuilder } from './labels-builder.js';
import { sanitizeLabelKey, setExtracted } from './labels-builder.js';

export const JSON_PARSER_ERR = 'JSONParserErr';

class JsonSyntax extends Error {}

/**
 * Loki's `| json` without parameters: one pass over the line, no JSON.parse tree. Nested
 * objects flatten with `_`, arrays are skipped, numbers keep their text ("1.50" stays "1.50"),
 * strings are unescaped, null is skipped. A line that is not a JSON object sets `__error__`.
 */
export function parseJsonLine(line: string, lbs: LabelsBuilder): void {
  const sc = new Scanner(line, lbs);
  try {
    sc.ws();
    if (line.charCodeAt(sc.i) !== 123)
      throw new JsonSyntax('want a JSON object, got ' + near(line, sc.i));
    sc.object('');
    sc.ws();
    if (sc.i < line.length)
      throw new JsonSyntax('unexpected text after the object: ' + near(line, sc.i));
  } catch (err) {
    if (!(err instanceof JsonSyntax)) throw err;
    lbs.setErr(JSON_PARSER_ERR, err.message);
  }
}

/**
 * Label names by (prefix, key): the same few keys repeat on every line, and reusing one string
 * per name keeps sanitising and Map hashing off the per-line path. Bounded: a line with
 * ever-new keys just stops being cached.
 */
const NAMES = new Map<string, Map<string, string>>();
let cachedNames = 0;
const MAX_CACHED_NAMES = 10_000;

function labelName(prefix: string, key: string): string {
  let byKey = NAMES.get(prefix);
  const hit = byKey?.get(key);
  if (hit !== undefined) return hit;
  const name =
    prefix === '' ? sanitizeLabelKey(key, true) : prefix + '_' + sanitizeLabelKey(key, false);
  if (cachedNames < MAX_CACHED_NAMES) {
    if (!byKey) NAMES.set(prefix, (byKey = new Map<string, string>()));
    byKey.set(key, name);
    cachedNames++;
  }
  return name;
}

const near = (s: string, i: number): string =>
  i >= s.length ? 'end of line' : JSON.stringify(s.slice(i, i + 10));

class Scanner {
  i = 0;
  constructor(
    private readonly s: string,
    private readonly lbs: LabelsBuilder,
  ) {}

  ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return;
      this.i++;
    }
  }

  private expect(c: number): void {
    this.ws();
    if (this.s.charCodeAt(this.i) !== c)
      throw new JsonSyntax(
        `want ${JSON.stringify(String.fromCharCode(c))}, got ${near(this.s, this.i)}`,
      );
    this.i++;
  }

  /** At `{`: emits every scalar under `prefix`. */
  object(prefix: string): void {
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) === 125) {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      if (this.s.charCodeAt(this.i) !== 34)
        throw new JsonSyntax('want a key, got ' + near(this.s, this.i));
      const key = this.string();
      this.expect(58);
      const name = labelName(prefix, key);
      this.value(name);
      this.ws();
      const c = this.s.charCodeAt(this.i++);
      if (c === 125) return;
      if (c !== 44) throw new JsonSyntax('want "," or "}", got ' + near(this.s, this.i - 1));
    }
  }

  private value(name: string): void {
    this.ws();
    const s = this.s;
    const c = s.charCodeAt(this.i);
    if (c === 34) {
      const v = this.string();
      setExtracted(this.lbs, name, v);
    } else if (c === 123) this.object(name);
    else if (c === 91) this.skipArray();
    else {
      const start = this.i;
      while (this.i < s.length) {
        const d = s.charCodeAt(this.i);
        if (d === 44 || d === 125 || d === 93 || d === 32 || d === 9 || d === 10 || d === 13) break;
        this.i++;
      }
      const tok = s.slice(start, this.i);
      if (tok === 'null') return;
      if (tok !== 'true' && tok !== 'false' && !/^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$/.test(tok))
        throw new JsonSyntax('bad value ' + near(s, start));
      setExtracted(this.lbs, name, tok);
    }
  }

  /** At `"`: the unescaped string. */
  string(): string {
    const s = this.s;
    const start = this.i;
    let j = start + 1;
    let escaped = false;
    for (;;) {
      if (j >= s.length) throw new JsonSyntax('unterminated string');
      const c = s.charCodeAt(j);
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        j++;
      }
      j++;
    }
    this.i = j + 1;
    if (!escaped) return s.slice(start + 1, j);
    try {
      return JSON.parse(s.slice(start, j + 1)) as string;
    } catch {
      throw new JsonSyntax('bad escape in ' + near(s, start));
    }
  }

  private skipArray(): void {
    const s = this.s;
    let depth = 0;
    for (;;) {
      if (this.i >= s.length) throw new JsonSyntax('unterminated array');
      const c = s.charCodeAt(this.i);
      if (c === 34) {
        this.string();
        continue;
      }
      this.i++;
      if (c === 91 || c === 123) depth++;
      else if (c === 93 || c === 125) {
        depth--;
        if (depth === 0) return;
      }
    }
  }
}

/** A parsed `| json a="x.y[0]"` path: keys and array indexes. */
export type JsonPath = (string | number)[];

export function parseJsonPath(src: string): JsonPath | undefined {
  const out: JsonPath = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === '.') {
      i++;
      continue;
    }
    if (c === '[') {
      const end = src.indexOf(']', i);
      if (end < 0) return undefined;
      const inner = src.slice(i + 1, end).trim();
      if (/^\d+$/.test(inner)) out.push(Number(inner));
      else if (/^".*"$/.test(inner) || /^'.*'$/.test(inner)) out.push(inner.slice(1, -1));
      else return undefined;
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < n && src[j] !== '.' && src[j] !== '[') j++;
    out.push(src.slice(i, j));
    i = j;
  }
  return out.length > 0 ? out : undefined;
}

/** `| json a="path", …`: JSON.parse once, then each path; objects/arrays come back as JSON. */
export function extractJson(
  line: string,
  lbs: LabelsBuilder,
  paths: readonly { label: string; path: JsonPath }[],
): void {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch (err) {
    lbs.setErr(JSON_PARSER_ERR, (err as Error).message);
    return;
  }
  for (const { label, path } of paths) {
    let v: unknown = doc;
    for (const k of path) {
      if (v === null || typeof v !== 'object') {
        v = undefined;
        break;
      }
      v =
        typeof k === 'number'
          ? Array.isArray(v)
            ? v[k]
            : undefined
          : (v as Record<string, unknown>)[k];
    }
    // Loki sets the label even when the path is missing (empty value).
    const s = v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
    setExtracted(lbs, label, s);
  }
}

/** `| unpack`: top-level string values become labels; `_entry` becomes the line. */
export function unpackLine(line: string, lbs: LabelsBuilder): string {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch (err) {
    lbs.setErr(JSON_PARSER_ERR, (err as Error).message);
    return line;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    lbs.setErr(JSON_PARSER_ERR, 'want a JSON object');
    return line;
  }
  let out = line;
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    if (typeof v !== 'string') continue;
    if (k === '_entry') out = v;
    else setExtracted(lbs, sanitizeLabelKey(k, true), v);
  }
  return out;
}
