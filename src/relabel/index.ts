/**
 * @module relabel
 * Prometheus relabeling (`relabel_configs`, `metric_relabel_configs`): the rule schema with
 * Prometheus's validation, a compiler to an immutable program, and `relabel()` applying it to a
 * label set with Prometheus's exact semantics (RE2 regexes anchored as `^(?s:…)$`, Go-style `$1`
 * expansion, empty results deleting labels, MD5-based hashmod). Pure: no I/O.
 */
export {
  relabelConfigSchema,
  checkRelabelConfig,
  RELABEL_ACTIONS,
  RELABEL_DEFAULTS,
  type RelabelAction,
  type RelabelConfig,
} from './config.js';
export {
  compileRelabel,
  relabel,
  hashMod,
  type RelabelProgram,
  type CompileOptions,
} from './relabel.js';
export { RelabelConfigError } from './regex.js';
