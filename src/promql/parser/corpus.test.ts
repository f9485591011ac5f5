import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { PromQLParseError } from '../errors.js';
import { formatExpr, prettyExpr } from './format.js';
import { parseExpr } from './parse.js';
import { CORPUS_DIR, corpusEvals, stripPos } from './testing.js';

const SKIP = existsSync(CORPUS_DIR) ? false : `conformance corpus not found at ${CORPUS_DIR}`;

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
