import { TemplateFuncError } from './errors.js';

const UNITS: Record<string, number> = {
  y: 31536000,
  w: 604800,
  d: 86400,
  h: 3600,
  m: 60,
  s: 1,
  ms: 0.001,
};
const RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Prometheus's model.ParseDuration ("1h30m", "5m", "1d", "0"), as seconds; a leading "-" negates. */
export function parsePromDuration(s: string): number {
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1) : s;
  if (body === '0') return 0;
  const m = RE.exec(body);
  if (body === '' || !m)
    throw new TemplateFuncError(`not a valid duration string: ${JSON.stringify(s)}`);
  const keys = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
  let secs = 0;
  for (let i = 0; i < keys.length; i++)
    if (m[i + 1] !== undefined) secs += Number(m[i + 1]) * UNITS[keys[i]];
  return neg ? -secs : secs;
}
