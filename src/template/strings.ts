/** String helpers shared by the Prometheus and Alertmanager function sets. */
import { isIP } from 'node:net';
import { TemplateFuncError } from './errors.js';
import { typeName } from './values.js';

/** A string argument; Go would reject other types at the call. */
export function str(v: unknown, fn: string): string {
  if (typeof v === 'string') return v;
  throw new TemplateFuncError(
    `wrong type for value; expected string; got ${typeName(v)} (in ${fn})`,
  );
}

/**
 * golang.org/x/text cases.Title: upper-case the first letter of each word; `lowerRest` also
 * lower-cases the rest (Alertmanager), without it the rest is kept (Prometheus's NoLower).
 */
export function titleCase(s: string, lowerRest: boolean): string {
  let out = '';
  let inWord = false;
  for (const ch of s) {
    const letter = /[\p{L}\p{N}]/u.test(ch);
    if (letter && !inWord) out += ch.toUpperCase();
    else if (letter) out += lowerRest ? ch.toLowerCase() : ch;
    else out += ch;
    // An apostrophe inside a word ("don't") does not start a new word.
    inWord = letter || (inWord && (ch === "'" || ch === '’'));
  }
  return out;
}

/** net.SplitHostPort, or undefined when Go would return an error. */
export function splitHostPort(hp: string): [string, string] | undefined {
  const i = hp.lastIndexOf(':');
  if (i < 0) return undefined;
  let host: string;
  if (hp.startsWith('[')) {
    const end = hp.indexOf(']');
    if (end < 0 || end + 1 !== i) return undefined;
    host = hp.slice(1, end);
  } else {
    host = hp.slice(0, i);
    if (host.includes(':')) return undefined;
  }
  const port = hp.slice(i + 1);
  if (hp.slice(0, i).includes('[', 1) || port.includes(']')) return undefined;
  return [host, port];
}

export function stripPort(hp: string): string {
  return splitHostPort(hp)?.[0] ?? hp;
}

export function stripDomain(hp: string): string {
  const split = splitHostPort(hp);
  let host = split ? split[0] : hp;
  const port = split ? split[1] : '';
  if (isIP(host) !== 0) return hp;
  host = host.split('.')[0]!;
  if (port !== '') return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return host;
}

/** url.QueryUnescape. */
export function queryUnescape(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '%') {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex))
        throw new TemplateFuncError(`invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`);
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c === '+') bytes.push(0x20);
    else for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
  }
  return Buffer.from(bytes).toString('utf8');
}
