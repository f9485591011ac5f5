import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LogqlParseError } from './errors.js';
import { parseLogql } from './parse.js';
import { plain } from './parse-testing.js';
import { printLogql } from './print.js';

// Tests run from the repo root (also when compiled to dist/).
const DATA = join(process.cwd(), 'src/logql/testdata/parse');
const RULES = '/work/shared/conformance/rules';

/** [query, expectation] pairs: a query line followed by a `=> ` or `error: ` line. */
function cases(file: string, prefix: string): [string, string][] {
  const lines = readFileSync(join(DATA, file), 'utf8').split('\n');
  const out: [string, string][] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l === '' || l.startsWith('#')) continue;
    const next = lines[++i] ?? '';
    assert.ok(next.startsWith(prefix), `${file}:${i + 1}: want "${prefix}…" after ${l}`);
    out.push([l, next.slice(prefix.length)]);
  }
  return out;
}

describe('LogQL corpus', () => {
  const good = cases('good.txt', '=> ');
  const bad = cases('bad.txt', 'error: ');

  it('has a real corpus', () => {
    assert.ok(good.length > 100, `good queries: ${good.length}`);
    assert.ok(bad.length > 50, `bad queries: ${bad.length}`);
  });

  it('parses every good query to its canonical form, a fixpoint of print∘parse', () => {
    for (const [q, want] of good) {
      const ast = parseLogql(q);
      const printed = printLogql(ast);
      assert.equal(printed, want, q);
      assert.deepEqual(plain(parseLogql(printed)), plain(ast), q);
    }
  });

  it('refuses every bad query with its exact message', () => {
    for (const [q, want] of bad) {
      assert.throws(
        () => parseLogql(q),
        (err: unknown) => {
          assert.ok(err instanceof LogqlParseError, `${q}: ${String(err)}`);
          assert.equal(err.message, want, q);
          return true;
        },
      );
    }
  });

  it('parses the LogQL expressions of the shared rule corpus', (t) => {
    if (!existsSync(RULES)) {
      t.skip(`${RULES} is absent`);
      return;
    }
    const exprs = ruleExprs(RULES).filter((e) => LOGQL_ONLY.test(e));
    if (exprs.length === 0) {
      t.skip(`no LogQL expressions in ${RULES} (its rules are PromQL)`);
      return;
    }
    for (const e of exprs) printLogql(parseLogql(e));
  });
});

/** Pipeline syntax that PromQL does not have. */
const LOGQL_ONLY =
  /\|[=~>]|\|\s*(?:json|logfmt|pattern|regexp|unpack|unwrap|line_format|label_format|drop|keep|decolorize)\b/;

function ruleExprs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...ruleExprs(p));
    else if (/\.ya?ml$/.test(name)) {
      for (const m of readFileSync(p, 'utf8').matchAll(/^\s*-?\s*expr:\s*(.+)$/gm)) {
        out.push(m[1].trim().replace(/^(['"])(.*)\1$/, '$2'));
      }
    }
  }
  return out;
}
