/**
 * Runs `promtool test rules` files over the evaluator and a MemStore-like store: input series
 * loaded, every group evaluated at each evaluation interval up to the last eval_time, firing
 * alerts and PromQL results compared with the expectations; output in promtool's words.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULT_TENANT, Labels, staleNaN, type TenantId } from '../../model/index.js';
import {
  PromQLEngine,
  formatDurationMs,
  parseSeriesDesc,
  type VectorSample,
} from '../../promql/index.js';
import type { Appendable, Queryable } from '../../storage/index.js';
import { loadRuleFiles } from '../file/load.js';
import { parseRuleExpr } from '../expr.js';
import { AlertingRule } from '../eval/alerting.js';
import type { Group } from '../eval/group.js';
import { RuleManager } from '../eval/manager.js';
import { engineQueryFn } from '../eval/query.js';
import { FakeClock } from '../eval/testing.js';
import { parseUnitTestFile, type TestGroup, type UnitTestFile } from './format.js';

/** A fresh store for one test group (a MemStore in practice; injected to keep layering). */
export type StoreFactory = () => Appendable & Queryable;

export interface UnitTestOptions {
  newStore: StoreFactory;
  /** Skip reason per file basename, if any (e.g. native histograms). */
  tenant?: TenantId;
}

export interface UnitTestResult {
  ok: boolean;
  report: string;
}

/** Go's strconv.FormatFloat(v, 'E', -1, 64). */
function formatE(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(v.toExponential())!;
  return `${m[1]}E${m[2]}${m[3].padStart(2, '0')}`;
}

const dur = (ms: number): string => formatDurationMs(ms);

function indent(s: string, pre: string): string {
  return s
    .split('\n')
    .map((l, i) => (i === 0 ? l : pre + l))
    .join('\n');
}

interface LA {
  labels: Labels;
  annotations: Labels;
}

function laString(la: LA[]): string {
  if (la.length === 0) return '[]';
  const one = (x: LA): string =>
    `Labels:${x.labels.toString()}\nAnnotations:${x.annotations.toString()}`;
  const parts = la.map((x, i) => `${i}:` + indent('\n' + one(x), '  '));
  return `[\n${parts.join(',\n')}\n]`;
}

const sortLA = (a: LA[]): LA[] =>
  [...a].sort(
    (x, y) => Labels.compare(x.labels, y.labels) || Labels.compare(x.annotations, y.annotations),
  );

function sameFloat(a: number, b: number, fuzzy: boolean): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return fuzzy && Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b));
}

function parseMetric(s: string): Labels {
  if (s.trim() === '') return Labels.EMPTY;
  const d = parseSeriesDesc(s.trim());
  if (d.rest.trim() !== '') throw new Error(`unexpected ${JSON.stringify(d.rest.trim())}`);
  return d.labels;
}

async function runGroup(
  file: UnitTestFile,
  tg: TestGroup,
  ruleGroups: ReturnType<typeof loadRuleFiles>['groups'],
  opts: UnitTestOptions,
): Promise<string[]> {
  if (tg.error !== undefined) return [tg.error];
  const tenant = opts.tenant ?? DEFAULT_TENANT;
  const store = opts.newStore();
  const app = store.appender(tenant);
  for (const s of tg.inputSeries) {
    for (const p of s.points) {
      app.append(0, s.labels, tg.startMs + p.i * tg.intervalMs, p.stale ? staleNaN : p.v);
    }
  }
  await app.commit();
  const evalMs = file.evaluationIntervalMs;
  const engine = new PromQLEngine({
    parse: (t) => parseRuleExpr(t),
    defaults: { defaultSubqueryStepMs: evalMs },
  });
  const query = engineQueryFn(engine, store);
  const m = new RuleManager({
    tenant,
    query,
    appendable: store,
    clock: new FakeClock(tg.startMs),
    evaluationIntervalMs: evalMs,
    externalLabels: tg.externalLabels,
    externalURL: tg.externalURL,
  });
  await m.update(ruleGroups);
  let groups: Group[] = m.groups();
  if (file.groupEvalOrder.length > 0) {
    const byName = new Map(groups.map((g) => [g.name, g]));
    const missing = file.groupEvalOrder.filter((n) => !byName.has(n));
    if (missing.length > 0)
      return [`    group name(s) not found in rule files: ${missing.join(', ')}`];
    const ordered = file.groupEvalOrder.map((n) => byName.get(n)!);
    groups = [...ordered, ...groups.filter((g) => !ordered.includes(g))];
  }
  const testName = tg.name !== '' ? `    name: ${tg.name},\n` : '';
  const maxEval = Math.max(
    0,
    ...tg.alertTests.map((a) => a.evalTimeMs),
    ...tg.promqlTests.map((p) => p.evalTimeMs),
  );
  const alertTimes = [...new Set(tg.alertTests.map((a) => a.evalTimeMs))].sort((a, b) => a - b);
  const errs: string[] = [];
  let curr = 0;
  for (let off = 0; off <= maxEval; off += evalMs) {
    const ts = tg.startMs + off;
    const evalErrs: string[] = [];
    for (const g of groups) {
      await g.evalAt(ts);
      for (const r of g.rules) {
        if (r.lastError !== null)
          evalErrs.push(`    rule: ${r.name}, time: ${dur(off)}, err: ${r.lastError}`);
      }
    }
    if (evalErrs.length > 0) return evalErrs;
    while (curr < alertTimes.length && off <= alertTimes[curr] && alertTimes[curr] < off + evalMs) {
      const t = alertTimes[curr++];
      for (const tc of tg.alertTests.filter((a) => a.evalTimeMs === t)) {
        const got: LA[] = [];
        for (const g of groups) {
          for (const r of g.rules) {
            if (!(r instanceof AlertingRule) || r.name !== tc.alertname) continue;
            for (const a of r.active.values()) {
              if (a.state === 'firing')
                got.push({ labels: a.labels, annotations: Labels.fromObject(a.annotations) });
            }
          }
        }
        const exp: LA[] = tc.expAlerts.map((e) => ({
          labels: Labels.fromObject({ ...e.labels, alertname: tc.alertname }),
          annotations: Labels.fromObject(e.annotations),
        }));
        const gs = sortLA(got);
        const es = sortLA(exp);
        const same =
          gs.length === es.length &&
          gs.every(
            (g, i) => g.labels.equals(es[i].labels) && g.annotations.equals(es[i].annotations),
          );
        if (!same) {
          errs.push(
            `${testName}    alertname: ${tc.alertname}, time: ${dur(t)}, \n        exp:${indent(laString(es), '            ')}, \n        got:${indent(laString(gs), '            ')}`,
          );
        }
      }
    }
  }
  for (const tc of tg.promqlTests) {
    let got: VectorSample[];
    try {
      got = await query(tenant, tc.expr, tg.startMs + tc.evalTimeMs);
    } catch (e) {
      errs.push(
        `    expr: ${JSON.stringify(tc.expr)}, time: ${dur(tc.evalTimeMs)}, err: ${(e as Error).message}`,
      );
      continue;
    }
    let exp: { labels: Labels; v: number }[];
    try {
      exp = tc.expSamples.map((s) => {
        try {
          return { labels: parseMetric(s.labels), v: s.value };
        } catch (e) {
          throw new Error(`labels ${JSON.stringify(s.labels)}: ${(e as Error).message}`, {
            cause: e,
          });
        }
      });
    } catch (e) {
      errs.push(
        `    expr: ${JSON.stringify(tc.expr)}, time: ${dur(tc.evalTimeMs)}, err: ${(e as Error).message}`,
      );
      continue;
    }
    const gs = got
      .map((s) => ({ labels: s.labels, v: s.v }))
      .sort((a, b) => Labels.compare(a.labels, b.labels));
    exp.sort((a, b) => Labels.compare(a.labels, b.labels));
    const same =
      gs.length === exp.length &&
      gs.every(
        (g, i) => g.labels.equals(exp[i].labels) && sameFloat(g.v, exp[i].v, file.fuzzyCompare),
      );
    if (!same) {
      const str = (xs: { labels: Labels; v: number }[]): string =>
        xs.length === 0
          ? 'nil'
          : xs.map((x) => `${x.labels.toString()} ${formatE(x.v)}`).join(', ');
      errs.push(
        `${testName}    expr: ${JSON.stringify(tc.expr)}, time: ${dur(tc.evalTimeMs)},\n        exp: ${str(exp)}\n        got: ${str(gs)}`,
      );
    }
  }
  await m.stop();
  return errs;
}

/** Runs one unit test file; its errors (empty = pass). */
export async function runRuleUnitTestFile(path: string, opts: UnitTestOptions): Promise<string[]> {
  let file: UnitTestFile;
  try {
    file = parseUnitTestFile(readFileSync(path, 'utf8'), path);
  } catch (e) {
    return [(e as Error).message];
  }
  let groups;
  try {
    groups = loadRuleFiles(file.ruleFiles, dirname(path)).groups;
  } catch (e) {
    const errors = (e as { errors?: readonly string[] }).errors;
    return errors !== undefined ? [...errors] : [(e as Error).message];
  }
  const errs: string[] = [];
  for (const tg of file.tests) {
    try {
      errs.push(...(await runGroup(file, tg, groups, opts)));
    } catch (e) {
      errs.push(`    ${(e as Error).message}`);
    }
  }
  return errs;
}

/**
 * `promtool test rules FILE…`: each file's result as promtool prints it
 * ("Unit Testing:  FILE" then "  SUCCESS" or "  FAILED:" and the errors); ok when all pass.
 */
export async function runRuleUnitTests(
  files: readonly string[],
  opts: UnitTestOptions,
): Promise<UnitTestResult> {
  let ok = true;
  let report = '';
  for (const f of files) {
    report += `Unit Testing:  ${f}\n`;
    const errs = await runRuleUnitTestFile(f, opts);
    if (errs.length === 0) report += '  SUCCESS\n\n';
    else {
      ok = false;
      report += `  FAILED:\n${errs.map((e) => e + '\n').join('\n')}\n`;
    }
  }
  return { ok, report };
}
