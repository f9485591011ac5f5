import { ArgusError } from '../util/index.js';

/** One problem in a config file, positioned where possible (1-based line and column). */
export interface ConfigProblem {
  file: string;
  line?: number;
  column?: number;
  /** Dotted key path (`storage.tsdb.retention_time`); empty for file-level problems. */
  path: string;
  message: string;
}

/** Renders a problem as `file:line:col: path: message` (parts omitted when unknown). */
export function formatProblem(p: ConfigProblem): string {
  const pos = p.line !== undefined ? `:${p.line}:${p.column ?? 1}` : '';
  return `${p.file}${pos}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

/**
 * A config file that cannot be used. `message` lists every problem, one per line, so the CLI
 * can print it as is; `problems` keeps them structured.
 */
export class ConfigError extends ArgusError {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[], options?: { cause?: unknown }) {
    super(problems.map(formatProblem).join('\n'), options);
    this.problems = problems;
  }
}
