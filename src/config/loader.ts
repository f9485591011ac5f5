import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { errorChain } from '../util/index.js';
import { ConfigError, type ConfigProblem } from './errors.js';
import { issueMessage, describeValue } from './issues.js';
import { closestKey, emptySectionsAsMappings, knownKeys } from './schema-shape.js';
import { childKeyPosition, keyPosition } from './yaml-position.js';

function byPosition(a: ConfigProblem, b: ConfigProblem): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}

/** The plain key starting at `offset` (for duplicate-key errors). */
function keyAt(text: string, offset: number): string {
  return /^[^:\n]*/
    .exec(text.slice(offset))![0]
    .trim()
    .replace(/^["']|["']$/g, '');
}

function dotted(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replaceAll('.[', '[');
}

/**
 * Parses YAML `text` (named `fileName` in errors) and validates it against `schema`.
 * An empty file (or one with only comments) yields the schema's defaults, and so does an empty
 * section (`storage:` with every child commented out) for its part.
 * Throws a ConfigError listing every problem, each with line:column where it can be found.
 */
export function parseConfigText<S extends z.ZodType>(
  text: string,
  fileName: string,
  schema: S,
): z.output<S> {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e): ConfigProblem => {
      const { line, col } = lc.linePos(e.pos[0]);
      const message =
        e.code === 'DUPLICATE_KEY'
          ? `invalid YAML: duplicate key ${JSON.stringify(keyAt(text, e.pos[0]))}`
          : `invalid YAML: ${e.message}`;
      return { file: fileName, line, column: col, path: '', message };
    });
    throw new ConfigError(problems);
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 }) ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    const { line, column } = keyPosition(doc, lc, []);
    throw new ConfigError([
      {
        file: fileName,
        line,
        column,
        path: '',
        message: `expected a mapping of settings, got ${describeValue(raw)}`,
      },
    ]);
  }
  const proto = protoKeyPath(raw, []);
  if (proto !== undefined) {
    const pos = childKeyPosition(doc, lc, proto, '__proto__');
    throw new ConfigError([
      {
        file: fileName,
        ...pos,
        path: proto.join('.'),
        message: 'key "__proto__" is not allowed',
      },
    ]);
  }
  const res = schema.safeParse(emptySectionsAsMappings(schema, raw), { reportInput: true });
  if (res.success) return res.data;
  const problems: ConfigProblem[] = [];
  for (const issue of res.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(schema, issue.path);
      for (const key of issue.keys) {
        const pos = childKeyPosition(doc, lc, issue.path, key);
        const near = closestKey(key, known);
        problems.push({
          file: fileName,
          ...pos,
          path: dotted(issue.path),
          message:
            `unknown key ${JSON.stringify(key)}` +
            (near === undefined ? '' : ` (did you mean ${JSON.stringify(near)}?)`),
        });
      }
      continue;
    }
    const pos = keyPosition(doc, lc, issue.path);
    problems.push({
      file: fileName,
      ...pos,
      path: dotted(issue.path),
      message: issueMessage(issue),
    });
  }
  problems.sort(byPosition);
  throw new ConfigError(problems);
}

/** Reads and parses a config file; errors name it as given. */
export async function loadConfigFile<S extends z.ZodType>(
  path: string,
  schema: S,
): Promise<z.output<S>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      [{ file: path, path: '', message: `cannot read config file: ${errorChain(err)}` }],
      {
        cause: err,
      },
    );
  }
  return parseConfigText(text, path, schema);
}

/**
 * The path of the first mapping holding a `__proto__` key: schema parsers drop such keys
 * silently (prototype-pollution safety), so a setting under one would vanish without a word.
 */
function protoKeyPath(v: unknown, path: (string | number)[]): (string | number)[] | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const hit = protoKeyPath(v[i], [...path, i]);
      if (hit) return hit;
    }
    return undefined;
  }
  if (Object.prototype.hasOwnProperty.call(v, '__proto__')) return path;
  for (const [k, child] of Object.entries(v)) {
    const hit = protoKeyPath(child, [...path, k]);
    if (hit) return hit;
  }
  return undefined;
}
