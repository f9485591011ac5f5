/**
 * Builds the notification TemplateSet: Argus's defaults, then the config's `templates` files
 * (later definitions replace earlier ones, as in Alertmanager).
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { alertmanagerFuncs, TemplateSet } from '../../template/index.js';
import { ArgusError } from '../../util/index.js';
import { DEFAULT_TEMPLATES } from './default-tmpl.js';

export class TemplateLoadError extends ArgusError {}

export interface NotificationTemplateOptions {
  /** The clock `since` uses (tests). */
  readonly now?: () => number;
}

/** A set holding only Argus's defaults. */
export function defaultTemplateSet(opts: NotificationTemplateOptions = {}): TemplateSet {
  // missingkey=zero: Alertmanager's option, so `.Labels.missing` prints "" not "<no value>".
  const set = new TemplateSet({ funcs: alertmanagerFuncs(opts), missingKey: 'zero' });
  return set.parse('default.tmpl', DEFAULT_TEMPLATES);
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (const ch of glob) {
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Expands globs whose wildcards are in the file name (`/etc/am/tmpl/*.tmpl`), sorted. */
async function expand(glob: string): Promise<string[]> {
  const dir = dirname(glob);
  if (/[*?]/.test(dir))
    throw new TemplateLoadError(
      `cannot load templates ${JSON.stringify(glob)}: wildcards are supported in the file name only`,
    );
  if (!/[*?]/.test(basename(glob))) return [glob];
  const re = globToRegExp(basename(glob));
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new TemplateLoadError(`cannot load templates ${JSON.stringify(glob)}`, { cause: err });
  }
  return names
    .filter((n) => re.test(n))
    .sort()
    .map((n) => join(dir, n));
}

/**
 * The defaults plus every file the `templates` globs match (absolute paths, as the config
 * loader resolves them). A glob matching nothing is fine (Alertmanager's filepath.Glob).
 * @throws TemplateLoadError naming the file when one cannot be read or parsed.
 */
export async function loadTemplateSet(
  globs: readonly string[],
  opts: NotificationTemplateOptions = {},
): Promise<TemplateSet> {
  const set = defaultTemplateSet(opts);
  for (const glob of globs) {
    for (const file of await expand(glob)) {
      try {
        set.parse(basename(file), await readFile(file, 'utf8'));
      } catch (err) {
        throw new TemplateLoadError(
          `cannot load template file ${file}: ${(err as Error).message}`,
          { cause: err },
        );
      }
    }
  }
  return set;
}
