import type { LogEntry } from '../../storage/index.js';
import { FACILITIES, LEVELS, SEVERITIES, type SyslogMessage } from './parse.js';

/** A field name from anything: characters outside `[A-Za-z0-9_]` become `_`. */
export function sanitizeName(s: string): string {
  let out = s.replace(/[^A-Za-z0-9_]/g, '_');
  if (/^[0-9]/.test(out)) out = '_' + out;
  return out;
}

// Senders repeat the same few SD names: remember their sanitised form (bounded).
const sdNames = new Map<string, string>();

function sdFieldName(id: string, name: string): string {
  const raw = `sd_${id}_${name}`;
  let v = sdNames.get(raw);
  if (v === undefined) {
    if (sdNames.size >= 10_000) sdNames.clear();
    v = sanitizeName(raw);
    sdNames.set(raw, v);
  }
  return v;
}

/**
 * The record of one parsed message: the line is MSG; facility, severity, the normalised
 * `level`, procid, msgid and each STRUCTURED-DATA param (`sd_<id>_<param>`, sanitised; the
 * first of duplicate names wins) are fields; `syslog_error` says why a message was not
 * understood. The stream labels (host, app) are chosen by the caller.
 */
export function toEntry(m: SyslogMessage, receivedNs: bigint): LogEntry {
  const fields: [string, string][] = [
    ['facility', FACILITIES[m.facility] ?? String(m.facility)],
    ['severity', SEVERITIES[m.severity]],
    ['level', LEVELS[m.severity]],
  ];
  if (m.procId !== undefined) fields.push(['procid', m.procId]);
  if (m.msgId !== undefined) fields.push(['msgid', m.msgId]);
  if (m.sd.length > 0) {
    const seen = new Set<string>(['facility', 'severity', 'level', 'procid', 'msgid']);
    for (const [id, name, value] of m.sd) {
      const key = sdFieldName(id, name);
      if (seen.has(key) || value === '') continue;
      seen.add(key);
      fields.push([key, value]);
    }
  }
  if (m.error !== undefined) fields.push(['syslog_error', m.error]);
  return { ts: m.ts ?? receivedNs, line: m.msg, fields };
}
