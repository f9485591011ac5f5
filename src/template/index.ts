/**
 * @module template
 * Go text/template for Prometheus rule labels/annotations and Alertmanager notifications:
 * parse once into a `TemplateSet` (or `expandTemplate` with a parse cache), execute async
 * (functions may return promises, e.g. `query`). Go semantics: trim markers, pipelines,
 * variables, if/range/with/define/template/block, builtins, fmt verbs. Bounded by
 * `TemplateLimits`; regexes are RE2. Function sets: `prometheusFuncs`, `alertmanagerFuncs`.
 */
export { TemplateParseError, TemplateExecError, TemplateFuncError } from './errors.js';
export {
  DEFAULT_LIMITS,
  type FuncContext,
  type FuncMap,
  type MissingKey,
  type TemplateFunc,
  type TemplateLimits,
} from './exec.js';
export {
  TemplateSet,
  expandTemplate,
  type ExpandOptions,
  type TemplateSetOptions,
} from './template-set.js';
export {
  prometheusFuncs,
  QuerySample,
  type PromFuncOptions,
  type TemplateQueryFn,
} from './funcs-prometheus.js';
export { alertmanagerFuncs } from './funcs-alertmanager.js';
export {
  humanize,
  humanize1024,
  humanizeDuration,
  humanizePercentage,
  humanizeTimestamp,
} from './humanize.js';
export { GoTime, GoDuration, ZERO_TIME } from './go-time.js';
export { KV, Pair, Pairs, AlertList } from './notification-types.js';
export { sprintf } from './fmt.js';
