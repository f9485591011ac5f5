import { normalizeLevel } from './severity.js';

const LEVEL_KEYS = ['level', 'severity', 'lvl', 'loglevel', 'log_level', 'severity_text'];

/**
 * Normalises the severity among `fields` in place: the first of `level`, `severity`, `lvl`,
 * `loglevel`, `log_level`, `severity_text` with a recognised value sets `level` to one of
 * trace/debug/info/warn/error/fatal (the original is kept under its own name unless it was
 * `level` itself). Unrecognised values leave the fields as they are.
 */
export function detectLevel(fields: [string, string][]): void {
  for (const key of LEVEL_KEYS) {
    for (let i = 0; i < fields.length; i++) {
      if (fields[i][0] !== key) continue;
      const lvl = normalizeLevel(fields[i][1]);
      if (lvl === undefined) continue;
      const at = fields.findIndex((f) => f[0] === 'level');
      if (at >= 0) fields[at] = ['level', lvl];
      else fields.push(['level', lvl]);
      return;
    }
  }
}
