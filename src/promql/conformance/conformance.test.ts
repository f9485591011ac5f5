import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { loadEngine, type LoadedEngine } from './load-engine.js';
import { corpusOptions, MemStoreAdapter } from './memstore-adapter.js';
import { atRerunNote, formatFailures, runScript, summarize } from './runner.js';
import { parseScript } from './script.js';

const DIR = path.resolve(process.cwd(), '../shared/conformance/promql/testdata');
const missing = !existsSync(DIR);
const files = missing
  ? []
  : readdirSync(DIR)
      .filter((f) => f.endsWith('.test'))
      .sort();
// The bar: experimental features off, their evals skipped by rule.
const EXPERIMENTAL = process.env.ARGUS_PROMQL_EXPERIMENTAL === '1';
// ARGUS_CONFORMANCE=report prints the counts without failing (while the engine is brought up).
const REPORT_ONLY = process.env.ARGUS_CONFORMANCE === 'report';

describe('PromQL conformance (upstream promqltest corpus)', () => {
  let engine: LoadedEngine;
  before(async () => {
    engine = await loadEngine();
    const note = engine.make
      ? atRerunNote({ experimental: EXPERIMENTAL, printer: engine.printer })
      : null;
    if (note) console.log(note);
  });

  if (missing) {
    it('corpus', { skip: `conformance corpus not found at ${DIR}` }, () => {});
  }
  for (const file of files) {
    it(file, async (t) => {
      if (!engine.make) {
        t.skip(engine.missing ?? 'no engine');
        return;
      }
      const script = parseScript(readFileSync(path.join(DIR, file), 'utf8'), file);
      const adapter = new MemStoreAdapter(engine.make(EXPERIMENTAL), corpusOptions(EXPERIMENTAL));
      const report = await runScript(script, adapter, {
        experimental: EXPERIMENTAL,
        printer: engine.printer,
      });
      console.log(summarize(report));
      const failures = formatFailures(report, 15);
      if (failures) console.log(failures);
      const failed = report.outcomes.filter((o) => o.status === 'fail').length;
      if (REPORT_ONLY) return;
      assert.equal(failed + report.loadErrors.length, 0, `${summarize(report)}\n${failures}`);
    });
  }
});
