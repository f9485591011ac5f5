import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PromQLParseError } from '../errors.js';
import { formatExpr, prettyExpr } from './format.js';
import { parseExpr } from './parse.js';
import { stripPos } from './testing.js';

const DIR = path.resolve(process.cwd(), '../shared/conformance/promql/testdata');
const missing = !existsSync(DIR);
const SKIP = missing ? `conformance corpus not found at ${DIR}` : false;

export interface CorpusEval {
  readonly file: string;
  readonly line: number;
  readonly query: string;
  readonly expectFail: boolean;
}

/** Every eval query of the corpus, with whether the eval expects a failure. */
export function corpusEvals(): CorpusEval[] {
  if (missing) return [];
  const out: CorpusEval[] = [];
  for (const file of readdirSync(DIR)
    .filter((f) => f.endsWith('.test'))
    .sort()) {
    const lines = readFileSync(path.join(DIR, file), 'utf8').split('\n');
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

describe('the conformance corpus', () => {
  it(
    'parses every eval query with experimental features (parse errors only where the eval expects a failure)',
    { skip: SKIP },
    () => {
      const evals = corpusEvals();
      assert.ok(evals.length > 1000, `found only ${evals.length} evals`);
      const bad: string[] = [];
      let expectedFailures = 0;
      let unsupported = 0;
      for (const ev of evals) {
        try {
          parseExpr(ev.query, { experimental: true });
        } catch (err) {
          if (!(err instanceof PromQLParseError)) throw err;
          if (ev.expectFail) expectedFailures++;
          // Stated rule: native histograms are out of scope (#5), and so are their trim operators.
          else if (/native histogram trim operator/.test(err.message)) unsupported++;
          else bad.push(`${ev.file}:${ev.line}: ${ev.query}: ${err.message}`);
        }
      }
      assert.deepEqual(bad, []);
      console.log(
        `corpus: ${evals.length} eval queries; refused at parse time: ${expectedFailures} expect-fail evals, ${unsupported} native histogram trim operators`,
      );
    },
  );

  it('round-trips every parsed query through formatExpr and prettyExpr', { skip: SKIP }, () => {
    const bad: string[] = [];
    for (const ev of corpusEvals()) {
      let ast;
      try {
        ast = parseExpr(ev.query, { experimental: true });
      } catch {
        continue;
      }
      for (const print of [formatExpr, prettyExpr]) {
        const text = print(ast);
        try {
          assert.deepEqual(stripPos(parseExpr(text, { experimental: true })), stripPos(ast));
        } catch (err) {
          bad.push(
            `${ev.file}:${ev.line}: ${ev.query} -> ${text}: ${(err as Error).message.split('\n')[0]}`,
          );
        }
      }
    }
    assert.deepEqual(bad, []);
  });
});
