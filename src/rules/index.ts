/**
 * @module rules
 * Prometheus rule files (rulefmt: parsing, validation, globbing) and, built on them, the rule
 * evaluator (recording and alerting rules per tenant) and promtool-style rule unit tests.
 * Queries, storage and alert delivery are injected seams; nothing here builds an engine or a
 * store. Log rule files (LogQL, Loki ruler format) use the same code: the caller injects their
 * expression check (ParseRulesOptions.checkExpr) and query (RuleManagerOptions.logQuery).
 */
export { RuleFileError, RuleEvalError, RuleTestFileError } from './errors.js';
export type {
  RuleGroupSpec,
  RuleSpec,
  RecordingRuleSpec,
  AlertingRuleSpec,
  RuleLang,
  Pos,
} from './file/spec.js';
export { parseRuleFile, type ParseRulesOptions, type ParsedRuleFile } from './file/parse.js';
export { loadRuleFiles, loadRuleFileList, type LoadedRules } from './file/load.js';
export { globFiles } from './file/glob.js';
export { parseRuleExpr } from './expr.js';
export { RuleManager, type GroupStats } from './eval/manager.js';
export { Group, type GroupCounters, type Rule } from './eval/group.js';
export {
  AlertingRule,
  ALERTS,
  ALERTS_FOR_STATE,
  type ActiveAlert,
  type AlertState,
} from './eval/alerting.js';
export { RecordingRule } from './eval/recording.js';
export { engineQueryFn } from './eval/query.js';
export {
  rulesApiData,
  alertsApiData,
  apiAlert,
  formatGoExp,
  type ApiAlert,
  type RulesFilter,
} from './eval/api.js';
export {
  systemClock,
  type QueryFn,
  type AlertSink,
  type Clock,
  type AlertTemplateData,
  type TemplateExpandFn,
  type RuleHealth,
  type RuleManagerOptions,
} from './eval/types.js';
export {
  runRuleUnitTests,
  runRuleUnitTestFile,
  type UnitTestOptions,
  type UnitTestResult,
  type StoreFactory,
} from './unittest/run.js';
export { checkRuleFiles, findDuplicateRules, type CheckResult } from './unittest/check.js';
export { builtinRuleGroups, type BuiltinRulesOptions } from './builtin/builtin.js';
export { SELF_MONITORING_RULES, BUILTIN_RULES_FILE, WATCHDOG } from './builtin/self-monitoring.js';
export {
  SqliteRuleGroups,
  validateRuleGroup,
  API_RULES_FILE,
  RuleGroupError,
  RuleGroupInvalidError,
  RuleGroupNotFoundError,
  RuleGroupConflictError,
  type StoredRuleGroup,
} from './store/sqlite-rule-groups.js';
