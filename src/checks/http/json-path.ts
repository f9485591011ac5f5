/**
 * A small JSON path for `json_path` conditions: `$` (the document), `.name`, `["name"]` /
 * `['name']`, and `[0]` (array index; negative counts from the end). `$` may be omitted
 * (`status.code` means `$.status.code`). No wildcards or filters: a path names one value.
 */

export type PathStep = string | number;

/** Parses a path; returns an error message instead of throwing. */
export function parseJsonPath(path: string): PathStep[] | string {
  let s = path.trim();
  if (s.startsWith('$')) s = s.slice(1);
  else if (s !== '' && !s.startsWith('[') && !s.startsWith('.')) s = `.${s}`;
  const steps: PathStep[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === '.') {
      const m = /^[^.[\]]+/.exec(s.slice(i + 1));
      if (!m) return `expected a key after "." at offset ${i + 1} of ${JSON.stringify(path)}`;
      steps.push(m[0]);
      i += 1 + m[0].length;
    } else if (s[i] === '[') {
      const rest = s.slice(i);
      const idx = /^\[(-?\d+)\]/.exec(rest);
      const quoted = /^\[(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\]/.exec(rest);
      if (idx) {
        steps.push(Number(idx[1]));
        i += idx[0].length;
      } else if (quoted) {
        steps.push((quoted[1] ?? quoted[2]).replace(/\\(.)/g, '$1'));
        i += quoted[0].length;
      } else return `expected [index] or ["key"] at offset ${i} of ${JSON.stringify(path)}`;
    } else return `unexpected ${JSON.stringify(s[i])} at offset ${i} of ${JSON.stringify(path)}`;
  }
  return steps;
}

/** The value at `steps`, or `undefined` when a step does not exist. */
export function lookupJsonPath(doc: unknown, steps: readonly PathStep[]): unknown {
  let cur = doc;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[step < 0 ? cur.length + step : step];
    } else {
      if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
      if (!Object.hasOwn(cur, step)) return undefined;
      cur = (cur as Record<string, unknown>)[step];
    }
  }
  return cur;
}
