import { parseMatchers } from '../../alerting/index.js';
import { Matcher, type Labels } from '../../model/index.js';
import { badParam } from '../errors.js';
import { mapAlertingError } from './respond.js';

/** Every `filter` value (Alertmanager's matcher strings, repeatable), flattened. */
export function filterParam(p: URLSearchParams): Matcher[] {
  const out: Matcher[] = [];
  for (const s of p.getAll('filter')) {
    try {
      out.push(...parseMatchers(s));
    } catch (err) {
      const e = mapAlertingError(err);
      if (e === err) throw err;
      throw badParam('filter', `${JSON.stringify(s)}: ${(err as Error).message}`, err);
    }
  }
  return out;
}

/** A boolean query parameter as go-swagger reads it; absent or empty = `def`. */
export function boolParam(p: URLSearchParams, name: string, def: boolean): boolean {
  const s = p.get(name);
  if (s === null || s === '') return def;
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  throw badParam(name, `want true or false, got ${JSON.stringify(s)}`);
}

/** `receiver`: a regex over receiver names, anchored as Alertmanager does; undefined when absent. */
export function receiverParam(p: URLSearchParams): Matcher | undefined {
  const s = p.get('receiver');
  if (s === null || s === '') return undefined;
  try {
    return new Matcher('=~', 'receiver', s);
  } catch (err) {
    throw badParam('receiver', `${JSON.stringify(s)}: ${(err as Error).message}`, err);
  }
}

export function matchesAll(matchers: readonly Matcher[], labels: Labels): boolean {
  return matchers.every((m) => m.matches(labels.get(m.name)));
}
