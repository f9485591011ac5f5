/** The built-in rule groups as specs, parsed and validated by the rule-file parser. */
import { BugError } from '../../util/index.js';
import { parseRuleFile } from '../file/parse.js';
import type { RuleGroupSpec } from '../file/spec.js';
import { BUILTIN_RULES_FILE, SELF_MONITORING_RULES, WATCHDOG } from './self-monitoring.js';

export interface BuiltinRulesOptions {
  /**
   * Argus's own metrics are stored (`collect.self.enabled`). Without them only the Watchdog is
   * kept: the other rules would have nothing to read (and the stalled-ingestion rule would fire).
   */
  selfMetrics: boolean;
}

let parsed: RuleGroupSpec[] | undefined;

/** The built-in groups, file `<builtin>`. Throws BugError if the embedded text is invalid. */
export function builtinRuleGroups(opts: BuiltinRulesOptions): RuleGroupSpec[] {
  if (parsed === undefined) {
    const r = parseRuleFile(SELF_MONITORING_RULES, BUILTIN_RULES_FILE);
    if (r.errors.length > 0)
      throw new BugError(`cannot parse the built-in rules: ${r.errors.join('; ')}`);
    parsed = r.groups;
  }
  if (opts.selfMetrics) return parsed;
  return parsed.map((g) => ({ ...g, rules: g.rules.filter((r) => r.name === WATCHDOG) }));
}
