/** The normalised severities stored as the `level` field (Loki's detected_level values). */
export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

const WORDS: Record<string, Level> = {
  trace: 'trace',
  trc: 'trace',
  debug: 'debug',
  dbg: 'debug',
  info: 'info',
  inf: 'info',
  information: 'info',
  informational: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  wrn: 'warn',
  err: 'error',
  error: 'error',
  eror: 'error',
  fatal: 'fatal',
  critical: 'fatal',
  crit: 'fatal',
  alert: 'fatal',
  emerg: 'fatal',
  emergency: 'fatal',
  panic: 'fatal',
};

/**
 * A severity word (`WARNING`, `Information`, `err`, `E`… case-insensitive) or syslog/OTLP-style
 * number as text as a `Level`; undefined when not recognised.
 */
export function normalizeLevel(text: string): Level | undefined {
  const t = text.trim().toLowerCase();
  const w = WORDS[t];
  if (w !== undefined) return w;
  if (t.length === 1)
    return ({ t: 'trace', d: 'debug', i: 'info', w: 'warn', e: 'error', f: 'fatal' } as const)[
      t as 'e'
    ];
  // "INFO2", "warn3": OTLP severity texts with a sub-level digit.
  const m = /^([a-z]+)\d$/.exec(t);
  return m ? WORDS[m[1]] : undefined;
}

/** An OTLP SeverityNumber (1–24) as a `Level`; undefined for 0 (unspecified) and out of range. */
export function levelOfSeverityNumber(n: number): Level | undefined {
  if (n < 1 || n > 24) return undefined;
  return (['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const)[Math.floor((n - 1) / 4)];
}
