/**
 * Test helpers (not for production): a small encoder that writes samples and metadata back as
 * text 0.0.4 or OpenMetrics 1.0, for round-trip and property tests.
 */
import { METRIC_NAME } from '../model/index.js';
import type { ExpositionFormat, FamilyMetadata, Sample } from './types.js';

function escapeValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string, om: boolean): string {
  const s = v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return om ? s.replace(/"/g, '\\"') : s;
}

/** A float as both formats accept it (JS's shortest round-trip form). */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** One sample line (without newline). */
export function encodeSample(s: Sample, format: ExpositionFormat): string {
  const om = format === 'openmetrics';
  const parts: string[] = [];
  const f = s.labels.flat;
  for (let i = 0; i < f.length; i += 2) {
    if (f[i] !== METRIC_NAME) parts.push(`${f[i]}="${escapeValue(f[i + 1])}"`);
  }
  let line = s.name + (parts.length > 0 ? `{${parts.join(',')}}` : '') + ' ' + formatFloat(s.value);
  if (s.timestampMs !== undefined) {
    line += ' ' + (om ? formatFloat(s.timestampMs / 1000) : String(s.timestampMs));
  }
  if (om && s.exemplar !== undefined) {
    const ex = s.exemplar;
    const el: string[] = [];
    for (let i = 0; i < ex.labels.flat.length; i += 2) {
      el.push(`${ex.labels.flat[i]}="${escapeValue(ex.labels.flat[i + 1])}"`);
    }
    line += ` # {${el.join(',')}} ${formatFloat(ex.value)}`;
    if (ex.timestampMs !== undefined) line += ' ' + formatFloat(ex.timestampMs / 1000);
  }
  return line;
}

/** A family: its metadata lines then its samples. */
export interface EncodedFamily {
  metadata?: FamilyMetadata;
  samples: Sample[];
}

/** A whole body; OpenMetrics bodies end with `# EOF`. */
export function encodeBody(families: EncodedFamily[], format: ExpositionFormat): string {
  const om = format === 'openmetrics';
  const out: string[] = [];
  for (const fam of families) {
    const md = fam.metadata;
    if (md !== undefined) {
      out.push(`# HELP ${md.name} ${escapeHelp(md.help, om)}`);
      const type = !om && md.type === 'unknown' ? 'untyped' : md.type;
      out.push(`# TYPE ${md.name} ${type}`);
      if (om && md.unit !== '') out.push(`# UNIT ${md.name} ${md.unit}`);
    }
    for (const s of fam.samples) out.push(encodeSample(s, format));
  }
  if (om) out.push('# EOF');
  return out.join('\n') + '\n';
}

/** The protobuf exposition format's test encoder (protobufjs over the conformance schema). */
export { encodeDelimited, loadMetricFamilyType, METRICS_PROTO } from './proto-testing.js';
