/** Test helpers for the parser: ASTs compared without positions. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Matcher } from '../../model/index.js';

/** The shared PromQL conformance scripts (absent outside the Argus workspace). */
export const CORPUS_DIR = path.resolve(process.cwd(), '../shared/conformance/promql/testdata');

/** A deep copy of an AST without `pos` fields, matchers as plain `{type, name, value}`. */
export function stripPos(v: unknown): unknown {
  if (v instanceof Matcher) return { type: v.type, name: v.name, value: v.value };
  if (Array.isArray(v)) return v.map(stripPos);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'pos') out[k] = stripPos(x);
    return out;
  }
  return v;
}

export interface CorpusEval {
  readonly file: string;
  readonly line: number;
  readonly query: string;
  readonly expectFail: boolean;
}

/** Every eval query of the corpus, with whether the eval expects a failure. */
export function corpusEvals(): CorpusEval[] {
  if (!existsSync(CORPUS_DIR)) return [];
  const out: CorpusEval[] = [];
  for (const file of readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.test'))
    .sort()) {
    const lines = readFileSync(path.join(CORPUS_DIR, file), 'utf8').split('\n');
    lines.forEach((raw, i) => {
      const line = raw.trim();
      const m =
        /^eval(_fail|_warn|_info|_ordered)?\s+(?:instant\s+at\s+\S+|range\s+from\s+\S+\s+to\s+\S+\s+step\s+\S+)\s+(.*)$/i.exec(
          line,
        );
      if (!m) return;
      let expectFail = m[1] === '_fail';
      for (
        let j = i + 1;
        j < lines.length && lines[j].trim() !== '' && !lines[j].trim().startsWith('#');
        j++
      ) {
        if (/^expect\s+fail/.test(lines[j].trim())) expectFail = true;
      }
      out.push({ file, line: i + 1, query: m[2], expectFail });
    });
  }
  return out;
}
