import { readdir, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { ArgusError } from '../../util/index.js';

/** A glob pattern that cannot be compiled. */
export class InvalidGlobError extends ArgusError {}

const MAX_DEPTH = 32;
const SPECIAL = /[*?[{]/;

/**
 * A compiled glob over absolute paths: `*` and `?` within one path segment, `[abc]`/`[!a-z]`
 * classes, `{a,b}` alternatives, and `**` for any number of directories. Dot files match
 * like any other (log files such as `.xsession-errors` are worth tailing).
 */
export class Glob {
  readonly re: RegExp;
  /** The directory before the first segment with a wildcard: where walking starts. */
  readonly base: string;
  /** Directory levels below `base` a match can be at (Infinity with `**`). */
  readonly depth: number;

  constructor(readonly pattern: string) {
    this.re = new RegExp(`^${globToRegExpSource(pattern)}$`);
    const segs = pattern.split('/');
    let i = 0;
    while (i < segs.length && !SPECIAL.test(segs[i])) i++;
    this.base = i === segs.length ? pattern : segs.slice(0, i).join('/') || '/';
    this.depth = segs.slice(i).includes('**') ? MAX_DEPTH : segs.length - i;
  }

  matches(path: string): boolean {
    return this.re.test(path);
  }

  /** Regular files (symlinks followed) matching, sorted. Unreadable directories are skipped. */
  async expand(): Promise<string[]> {
    if (this.depth === 0) {
      const st = await stat(this.base).catch(() => undefined);
      return st?.isFile() ? [this.base] : [];
    }
    const out: string[] = [];
    await this.walk(this.base, this.depth, out);
    return out.sort();
  }

  private async walk(dir: string, depth: number, out: string[]): Promise<void> {
    let ents;
    try {
      ents = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of ents) {
      const p = dir.endsWith(sep) ? dir + e.name : join(dir, e.name);
      // Symlinked directories are not descended (loops); symlinked files are followed.
      if (e.isDirectory()) {
        if (depth > 1) await this.walk(p, depth - 1, out);
      } else if (this.re.test(p)) {
        if (e.isFile()) out.push(p);
        else if (e.isSymbolicLink() && (await stat(p).catch(() => undefined))?.isFile())
          out.push(p);
      }
    }
  }
}

function globToRegExpSource(g: string): string {
  let out = '';
  let inAlt = false;
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*') {
      if (g[i + 1] === '*') {
        // `**/` matches zero or more directories; a trailing `**` anything below.
        if (g[i + 2] === '/') {
          out += '(?:.*/)?';
          i += 2;
        } else {
          out += '.*';
          i++;
        }
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = g.indexOf(']', i + 2);
      if (close < 0) out += '\\[';
      else {
        let body = g.slice(i + 1, close);
        if (body[0] === '!') body = '^' + body.slice(1);
        out += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else if (c === '{' && !inAlt) {
      out += '(?:';
      inAlt = true;
    } else if (c === '}' && inAlt) {
      out += ')';
      inAlt = false;
    } else if (c === ',' && inAlt) out += '|';
    else out += c.replace(/[.+^$()|\\/]/g, '\\$&');
  }
  if (inAlt) throw new InvalidGlobError(`cannot compile glob ${JSON.stringify(g)}: unclosed {`);
  return out;
}
