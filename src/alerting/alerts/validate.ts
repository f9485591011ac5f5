import type { Alert, NameValidation } from '../../model/index.js';
import { Labels, isWellFormed } from '../../model/index.js';
import { goQuote } from '../matchers/format.js';
import { AlertValidationError } from './errors.js';

const LEGACY_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A field of Alertmanager's `LabelSet` shape: an object of strings. */
function stringMap(v: unknown, field: string, i: number): Record<string, string> {
  if (!isObject(v)) throw invalid(i, `${field} in body must be of type object`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') throw invalid(i, `${field}.${k} in body must be of type string`);
    out[k] = x;
  }
  return out;
}

function time(v: unknown, field: string, i: number): number {
  if (v === undefined || v === null || v === '') return 0;
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  if (Number.isNaN(t))
    throw invalid(i, `${field} in body must be of type date-time: ${JSON.stringify(v)}`);
  // Go's zero time (0001-01-01T00:00:00Z), as some clients send it, means "not set".
  return t <= -62135596800000 ? 0 : t;
}

function invalid(i: number, msg: string): AlertValidationError {
  return new AlertValidationError(`cannot accept alert ${i}: ${msg}`);
}

/** Alertmanager's LabelSet.Validate: names per the validation mode, values valid UTF-8. */
function checkSet(set: Record<string, string>, mode: NameValidation): string | undefined {
  for (const [n, v] of Object.entries(set)) {
    const ok = mode === 'legacy' ? LEGACY_NAME.test(n) : n !== '' && isWellFormed(n);
    if (!ok) return `invalid name ${goQuote(n)}`;
    if (!isWellFormed(v)) return `invalid value ${goQuote(v)}`;
  }
  return undefined;
}

/**
 * Checks one element of a posted alert list (Alertmanager API v2 `postableAlert`) and converts
 * it to an Alert. Messages are Alertmanager's, prefixed with the alert's position `i`. Empty
 * label values are dropped first (as Alertmanager does). Absent times stay 0: `put` applies the
 * receive defaults.
 */
export function validateAlert(raw: unknown, i = 0, mode: NameValidation = 'utf8'): Alert {
  if (!isObject(raw)) throw invalid(i, 'alert in body must be of type object');
  if (raw.labels === undefined || raw.labels === null)
    throw invalid(i, 'labels in body is required');
  const labels = stringMap(raw.labels, 'labels', i);
  for (const k of Object.keys(labels)) if (labels[k] === '') delete labels[k];
  const annotations =
    raw.annotations === undefined ? {} : stringMap(raw.annotations, 'annotations', i);
  const startsAt = time(raw.startsAt, 'startsAt', i);
  const endsAt = time(raw.endsAt, 'endsAt', i);
  const generatorURL = raw.generatorURL ?? '';
  if (typeof generatorURL !== 'string')
    throw invalid(i, 'generatorURL in body must be of type uri');
  if (startsAt !== 0 && endsAt !== 0 && endsAt < startsAt)
    throw invalid(i, 'start time must be before end time');
  if (Object.keys(labels).length === 0) throw invalid(i, 'at least one label pair required');
  const badLabel = checkSet(labels, mode);
  if (badLabel !== undefined) throw invalid(i, `invalid label set: ${badLabel}`);
  const badAnnotation = checkSet(annotations, mode);
  if (badAnnotation !== undefined) throw invalid(i, `invalid annotations: ${badAnnotation}`);
  return { labels: Labels.fromObject(labels), annotations, startsAt, endsAt, generatorURL };
}
