/** `promtool check rules`: validate rule files and report in promtool's words. */
import { readFileSync } from 'node:fs';
import { Labels, METRIC_NAME } from '../../model/index.js';
import { parseRuleFile, type ParseRulesOptions } from '../file/parse.js';
import type { RuleGroupSpec } from '../file/spec.js';

export interface CheckResult {
  ok: boolean;
  report: string;
}

/** Rules with the same output name and labels (promtool's duplicate-rules lint). */
export function findDuplicateRules(
  groups: readonly RuleGroupSpec[],
): { metric: string; labels: Labels }[] {
  const all = groups.flatMap((g) =>
    g.rules.map((r) => ({
      metric: r.name,
      labels: Labels.fromObject({ ...g.labels, ...r.labels }),
    })),
  );
  all.sort((a, b) =>
    a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : Labels.compare(a.labels, b.labels),
  );
  const dups: { metric: string; labels: Labels }[] = [];
  for (let i = 1; i < all.length; i++) {
    const same = (x: (typeof all)[0], y: (typeof all)[0]): boolean =>
      x.metric === y.metric && x.labels.equals(y.labels);
    if (same(all[i - 1], all[i]) && (dups.length === 0 || !same(dups[dups.length - 1], all[i])))
      dups.push(all[i]);
  }
  return dups;
}

/**
 * Checks each file: "Checking FILE" then "  SUCCESS: N rules found", or "  FAILED:" and the
 * errors. Duplicate rules are reported as a lint finding that does not fail the check
 * (promtool's default `--lint=duplicate-rules` without `--lint-fatal`).
 */
export function checkRuleFiles(
  files: readonly string[],
  opts: ParseRulesOptions = {},
): CheckResult {
  let ok = true;
  let report = '';
  for (const f of files) {
    report += `Checking ${f}\n`;
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      ok = false;
      report += `  FAILED:\n${f}: ${(e as Error).message}\n\n`;
      continue;
    }
    const r = parseRuleFile(text, f, opts);
    if (r.errors.length > 0) {
      ok = false;
      report += `  FAILED:\n${r.errors.join('\n')}\n\n`;
      continue;
    }
    const dups = findDuplicateRules(r.groups);
    if (dups.length > 0) {
      let msg = `${dups.length} duplicate rule(s) found.\n`;
      for (const d of dups) {
        msg += `Metric: ${d.metric}\nLabel(s):\n`;
        for (let i = 0; i < d.labels.size; i++) {
          if (d.labels.name(i) !== METRIC_NAME)
            msg += `\t${d.labels.name(i)}: ${d.labels.value(i)}\n`;
        }
      }
      report += `  FAILED:\nlint error ${msg}Might cause inconsistency while recording expressions\n\n`;
      continue;
    }
    const n = r.groups.reduce((s, g) => s + g.rules.length, 0);
    report += `  SUCCESS: ${n} rules found\n\n`;
  }
  return { ok, report };
}
