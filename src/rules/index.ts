/**
 * @module rules
 * Prometheus rule files (rulefmt: parsing, validation, globbing) and, built on them, the rule
 * evaluator (recording and alerting rules per tenant) and promtool-style rule unit tests.
 * Queries, storage and alert delivery are injected seams; nothing here builds an engine or a
 * store.
 */
export { RuleFileError, RuleEvalError, RuleTestFileError } from './errors.js';
export type {
  RuleGroupSpec,
  RuleSpec,
  RecordingRuleSpec,
  AlertingRuleSpec,
  Pos,
} from './file/spec.js';
export { parseRuleFile, type ParseRulesOptions, type ParsedRuleFile } from './file/parse.js';
export { loadRuleFiles, loadRuleFileList, type LoadedRules } from './file/load.js';
export { globFiles } from './file/glob.js';
export { parseRuleExpr } from './expr.js';
