/**
 * File globs as Go's filepath.Glob (`*`, `?`, `[…]` within one path segment), plus `**` for any
 * number of directories. Node 20 has no fs.glob; rule files are few, so a plain walk will do.
 */
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';

function segmentRe(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = seg.indexOf(']', i + 1);
      if (close < 0) throw new Error(`syntax error in pattern ${JSON.stringify(seg)}`);
      let body = seg.slice(i + 1, close);
      if (body.startsWith('^')) body = '!' + body.slice(1);
      re += body.startsWith('!') ? `[^${body.slice(1)}]` : `[${body}]`;
      i = close;
    } else if (c === '\\' && i + 1 < seg.length) re += `\\${seg[++i]}`;
    else re += c.replace(/[.+^${}()|\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const hasMagic = (s: string): boolean => /[*?[]/.test(s);

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function walk(dir: string, segs: string[], out: string[]): void {
  if (segs.length === 0) {
    out.push(dir);
    return;
  }
  const [seg, ...rest] = segs;
  if (seg === '**') {
    walk(dir, rest, out);
    for (const e of list(dir)) if (isDir(join(dir, e))) walk(join(dir, e), segs, out);
    return;
  }
  if (!hasMagic(seg)) {
    const p = join(dir, seg);
    if (rest.length === 0) {
      try {
        statSync(p);
        out.push(p);
      } catch {
        /* no match */
      }
    } else if (isDir(p)) walk(p, rest, out);
    return;
  }
  const re = segmentRe(seg);
  for (const e of list(dir)) {
    if (!re.test(e)) continue;
    const p = join(dir, e);
    if (rest.length === 0) out.push(p);
    else if (isDir(p)) walk(p, rest, out);
  }
}

/** Paths matching `pattern` (relative to `baseDir` unless absolute), sorted, deduplicated. */
export function globFiles(pattern: string, baseDir: string): string[] {
  const abs = isAbsolute(pattern) ? pattern : resolve(baseDir, pattern);
  const root = abs.startsWith(sep) ? sep : '';
  const segs = abs.split(/[\\/]+/).filter((s) => s !== '');
  const out: string[] = [];
  walk(root === '' ? '.' : root, segs, out);
  return [...new Set(out)].sort();
}
