/**
 * Secrets in a stored config's YAML: hidden as `<secret>` in what the API serves, and kept
 * when a save sends `<secret>` back for the same field (so the UI can round-trip a config it
 * never saw the secrets of). The YAML is edited as a document: comments and layout survive.
 */
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import { SECRET_TEXT, Secret } from '../config/secret.js';
import type { AlertmanagerConfig } from '../config/parse.js';
import { TenantConfigInvalidError } from './load.js';

type Path = (string | number)[];

const YAML_OPTS = { maxAliasCount: 100 } as const;

function dotted(path: Path): string {
  return path
    .map((x) => (typeof x === 'number' ? `[${x}]` : `.${x}`))
    .join('')
    .slice(1);
}

/** Paths of every Secret in a parsed config (receivers and global). */
function secretPaths(v: unknown, path: Path, out: Path[]): Path[] {
  if (v instanceof Secret) out.push(path);
  else if (Array.isArray(v)) v.forEach((x, i) => secretPaths(x, [...path, i], out));
  else if (typeof v === 'object' && v !== null && !(v instanceof Map))
    for (const [k, x] of Object.entries(v)) secretPaths(x, [...path, k], out);
  return out;
}

/** Paths of every scalar equal to `<secret>` in a YAML document. */
function placeholderPaths(doc: Document): Path[] {
  const out: Path[] = [];
  const walk = (v: unknown, path: Path) => {
    if (v === SECRET_TEXT) out.push(path);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (typeof v === 'object' && v !== null)
      for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(doc.toJS(YAML_OPTS), []);
  return out;
}

/**
 * `yaml` (a stored, valid config) with every secret field replaced by `<secret>`. `config` is
 * its parse (it says which fields are secrets; defaults copied from `global` are not in the
 * text and stay out).
 */
export function hideSecrets(yaml: string, config: AlertmanagerConfig): string {
  const doc = parseDocument(yaml);
  const { intervals: _i, ...rest } = config;
  for (const p of secretPaths(rest, [], [])) if (doc.hasIn(p)) doc.setIn(p, SECRET_TEXT);
  return doc.toString();
}

/** The name of `receivers[i]` in a document, to find the same receiver in another one. */
function receiverName(doc: Document, i: number): unknown {
  return doc.getIn(['receivers', i, 'name']);
}

function indexOfReceiver(doc: Document, name: unknown): number {
  const list = doc.get('receivers');
  if (!isSeq(list)) return -1;
  return list.items.findIndex((x) => isMap(x) && x.get('name') === name);
}

/**
 * `yaml` with every `<secret>` replaced by the value the same field holds in `base` (the stored
 * config, or the file config a first save starts from). Receivers are matched by name, so
 * reordering them keeps their secrets. A `<secret>` with nothing to keep is an error.
 * Returns the text unchanged when it holds no placeholder.
 */
export function restoreSecrets(yaml: string, base: string | undefined): string {
  const doc = parseDocument(yaml);
  if (doc.errors.length > 0) return yaml; // the parser reports it with positions
  const paths = placeholderPaths(doc);
  if (paths.length === 0) return yaml;
  const from = base === undefined ? undefined : parseDocument(base);
  const problems: string[] = [];
  for (const p of paths) {
    let q = p;
    if (from !== undefined && p[0] === 'receivers' && typeof p[1] === 'number') {
      const i = indexOfReceiver(from, receiverName(doc, p[1]));
      q = i < 0 ? [] : ['receivers', i, ...p.slice(2)];
    }
    const kept = q.length > 0 ? from?.getIn(q) : undefined;
    if (typeof kept !== 'string' || kept === SECRET_TEXT) {
      problems.push(
        `${dotted(p)}: ${SECRET_TEXT} keeps the stored value, but there is none for this field; type the value`,
      );
      continue;
    }
    doc.setIn(p, kept);
  }
  if (problems.length > 0) throw new TenantConfigInvalidError(problems);
  return doc.toString();
}
