import type { LabelsBuilder } from './labels-builder.js';
import { sanitizeLabelKey, setExtracted } from './labels-builder.js';

export const LOGFMT_PARSER_ERR = 'LogfmtParserErr';

/**
 * Loki's `| logfmt`: `key=value`, `key="quoted \" value"`, bare `key` (a flag, kept only with
 * --keep-empty). Non-strict mode skips what does not parse; --strict stops at the first error
 * and sets `__error__`. `only` limits extraction to some keys (`| logfmt a, b="c"`).
 */
export function parseLogfmt(
  line: string,
  lbs: LabelsBuilder,
  strict: boolean,
  keepEmpty: boolean,
  only?: ReadonlyMap<string, string>,
): void {
  const n = line.length;
  let i = 0;
  const emit = (key: string, value: string): void => {
    if (value === '' && !keepEmpty) return;
    if (only) {
      const label = only.get(key);
      if (label !== undefined) setExtracted(lbs, label, value);
      return;
    }
    setExtracted(lbs, sanitizeLabelKey(key, true), value);
  };
  const fail = (msg: string): void =>
    lbs.setErr(LOGFMT_PARSER_ERR, `logfmt syntax error at pos ${i + 1}: ${msg}`);
  while (i < n) {
    let c = line.charCodeAt(i);
    if (c <= 32) {
      i++;
      continue;
    }
    // key
    const ks = i;
    while (i < n && (c = line.charCodeAt(i)) > 32 && c !== 61 && c !== 34) i++;
    const key = line.slice(ks, i);
    if (key === '') {
      if (strict) return fail(c === 61 ? "unexpected '='" : "unexpected '\"'");
      // skip the offending run
      while (i < n && line.charCodeAt(i) > 32) i++;
      continue;
    }
    if (i >= n || line.charCodeAt(i) !== 61) {
      if (i < n && line.charCodeAt(i) === 34) {
        if (strict) return fail("unexpected '\"'");
        while (i < n && line.charCodeAt(i) > 32) i++;
        continue;
      }
      emit(key, '');
      continue;
    }
    i++; // '='
    if (i < n && line.charCodeAt(i) === 34) {
      const vs = i;
      i++;
      let escaped = false;
      while (i < n && (c = line.charCodeAt(i)) !== 34) {
        if (c === 92) {
          escaped = true;
          i++;
        }
        i++;
      }
      if (i >= n) {
        if (strict) return fail('unterminated quoted value');
        return;
      }
      i++;
      let v = line.slice(vs + 1, i - 1);
      if (escaped) {
        try {
          v = JSON.parse(line.slice(vs, i)) as string;
        } catch {
          if (strict) return fail('invalid quoted value');
          continue;
        }
      }
      emit(key, v);
    } else {
      const vs = i;
      while (i < n && (c = line.charCodeAt(i)) > 32) {
        if ((c === 61 || c === 34) && strict) return fail(`unexpected '${String.fromCharCode(c)}'`);
        i++;
      }
      emit(key, line.slice(vs, i));
    }
  }
}
