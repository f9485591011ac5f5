/**
 * OpenTelemetry → Prometheus names, per the OpenTelemetry "Prometheus and OpenMetrics
 * Compatibility" spec and Prometheus's otlptranslator (UnderscoreEscapingWithSuffixes):
 * metric names split into [a-zA-Z0-9:] tokens joined by `_`, unit suffixes appended
 * (`ms` → `milliseconds`, `By/s` → `bytes_per_second`, `{…}` annotations dropped), `_total`
 * for monotonic counters, `_ratio` for gauges of unit `1`.
 */

export type NameKind = 'counter' | 'gauge' | 'other';

const UNITS: Record<string, string> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': '',
  '%': 'percent',
};

const PER_UNITS: Record<string, string> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

const TOKEN_SPLIT = /[^a-zA-Z0-9:]+/;

function tokens(s: string): string[] {
  return s.split(TOKEN_SPLIT).filter((t) => t !== '');
}

/** Unit word(s) for a UCUM unit: [main, per] as Prometheus name tokens ('' when none). */
export function unitSuffixes(unit: string): [string, string] {
  const u = unit.replace(/\{[^}]*\}/g, '').trim();
  if (u === '') return ['', ''];
  const slash = u.indexOf('/');
  const main = slash < 0 ? u : u.slice(0, slash).trim();
  const per = slash < 0 ? '' : u.slice(slash + 1).trim();
  const mainWord = tokens(UNITS[main] ?? main).join('_');
  const perWord = per === '' ? '' : tokens(PER_UNITS[per] ?? per).join('_');
  return [mainWord, perWord === '' ? '' : `per_${perWord}`];
}

/** The Prometheus metric family name of an OTLP metric ('' when nothing valid remains). */
export function metricName(name: string, unit: string, kind: NameKind): string {
  let toks = tokens(name);
  const [main, per] = unitSuffixes(unit);
  if (main !== '' && !toks.includes(main)) toks.push(main);
  if (per !== '' && !toks.join('_').endsWith(per)) toks.push(per);
  if (kind === 'counter') toks = [...toks.filter((t) => t !== 'total'), 'total'];
  if (unit === '1' && kind === 'gauge') toks = [...toks.filter((t) => t !== 'ratio'), 'ratio'];
  let out = toks.join('_');
  if (/^[0-9]/.test(out)) out = `_${out}`;
  return out;
}

/**
 * A Prometheus label name for an attribute key: invalid characters → `_`, runs of `_`
 * collapsed (a leading `__` kept), a leading digit prefixed with `key_`. '' when only
 * underscores would remain (the attribute is dropped).
 */
export function labelName(key: string): string {
  let s = key.replace(/[^a-zA-Z0-9_]/g, '_');
  const reserved = s.startsWith('__');
  s = s.replace(/_+/g, '_');
  if (reserved) s = `_${s}`;
  if (/^[0-9]/.test(s)) s = `key_${s}`;
  return /^_*$/.test(s) ? '' : s;
}
