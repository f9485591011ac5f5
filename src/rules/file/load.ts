import { readFileSync } from 'node:fs';
import { RuleFileError } from '../errors.js';
import { globFiles } from './glob.js';
import { parseRuleFile, type ParseRulesOptions } from './parse.js';
import type { RuleGroupSpec } from './spec.js';

export interface LoadedRules {
  groups: RuleGroupSpec[];
  /** The files read, in load order. */
  files: string[];
  warnings: string[];
}

/**
 * Reads every rule file matching `globs` (relative to `baseDir`), as Prometheus's
 * `rule_files`. A pattern matching nothing is not an error (Prometheus's behaviour); any invalid
 * file fails the whole load with every error found (RuleFileError), so a reload keeps the old
 * rules.
 */
export function loadRuleFiles(
  globs: readonly string[],
  baseDir: string,
  opts: ParseRulesOptions = {},
): LoadedRules {
  const files: string[] = [];
  for (const g of globs) {
    let matches: string[];
    try {
      matches = globFiles(g, baseDir);
    } catch (e) {
      throw new RuleFileError([`${g}: ${(e as Error).message}`], { cause: e });
    }
    for (const f of matches) if (!files.includes(f)) files.push(f);
  }
  return loadRuleFileList(files, opts);
}

/** Reads the given files (no globbing). */
export function loadRuleFileList(
  files: readonly string[],
  opts: ParseRulesOptions = {},
): LoadedRules {
  const groups: RuleGroupSpec[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      errors.push(`${f}: ${(e as Error).message}`);
      continue;
    }
    const r = parseRuleFile(text, f, opts);
    errors.push(...r.errors);
    warnings.push(...r.warnings);
    groups.push(...r.groups);
  }
  if (errors.length > 0) throw new RuleFileError(errors);
  return { groups, files: [...files], warnings };
}
