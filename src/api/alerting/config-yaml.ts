import { stringify } from 'yaml';
import {
  formatMatcher,
  Secret,
  SECRET_TEXT,
  type AlertmanagerConfig,
} from '../../alerting/index.js';
import { formatDuration } from '../../config/index.js';
import { Matcher } from '../../model/index.js';

/** Keys whose numbers are durations in ms (written back as `5m`). */
const DURATIONS = new Set([
  'resolve_timeout',
  'group_wait',
  'group_interval',
  'repeat_interval',
  'delay',
  'timeout',
  'retry',
  'expire',
  'ttl',
  'reopen_duration',
]);
/** Matcher lists that were maps in the YAML (`match: {a: b}`). */
const MATCH_MAPS = new Set([
  'match',
  'match_re',
  'source_match',
  'source_match_re',
  'target_match',
  'target_match_re',
]);

function plain(v: unknown, key: string): unknown {
  if (v instanceof Secret) return SECRET_TEXT;
  if (v instanceof Matcher) return formatMatcher(v);
  if (typeof v === 'number' && DURATIONS.has(key)) return formatDuration(v);
  if (Array.isArray(v)) {
    if (MATCH_MAPS.has(key) && v.every((m) => m instanceof Matcher))
      return Object.fromEntries(v.map((m) => [m.name, m.value]));
    return v.map((x) => plain(x, ''));
  }
  if (v instanceof Map || typeof v === 'function') return undefined;
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const p = plain(x, k);
      if (p !== undefined) out[k] = p;
    }
    return out;
  }
  return v;
}

/**
 * The Alertmanager config in force as YAML (`/api/v2/status` `config.original`): durations as
 * `5m`, matchers as text, every secret as `<secret>` (the API never shows one).
 */
export function configYaml(config: AlertmanagerConfig): string {
  const { intervals: _intervals, ...rest } = config;
  return stringify(plain(rest, ''));
}
