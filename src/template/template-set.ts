import type { Tree } from './ast.js';
import { BUILTINS, SPECIAL_NAMES } from './builtins.js';
import { TemplateExecError, TemplateParseError } from './errors.js';
import {
  DEFAULT_LIMITS,
  executeTree,
  type ExecEnv,
  type FuncMap,
  type MissingKey,
  type TemplateLimits,
} from './exec.js';
import { location } from './lex.js';
import { isEmpty, parseTemplate } from './parse.js';

export interface TemplateSetOptions {
  /** Functions beyond Go's builtins; a name here overrides a builtin of the same name. */
  readonly funcs?: FuncMap;
  readonly limits?: Partial<TemplateLimits>;
  /** Go's missingkey option; Prometheus and Alertmanager both use "zero". Default "default". */
  readonly missingKey?: MissingKey;
  /**
   * Variables visible at the top level of every template parsed into the set (not inside
   * `define`), e.g. `['$labels', '$value']`; their values come with `execute`'s `vars`.
   */
  readonly vars?: readonly string[];
}

const dollar = (n: string): string => (n.startsWith('$') ? n : '$' + n);

/**
 * Go's *template.Template with its associated templates: parse text (with `define`s) into
 * named trees, then execute any of them by name. Parsing is synchronous and checks function
 * and variable names like Go; execution is async because functions may return promises.
 */
export class TemplateSet {
  private readonly trees = new Map<string, Tree>();
  private readonly env: ExecEnv;
  private readonly topVars: readonly string[];

  constructor(opts: TemplateSetOptions = {}) {
    const funcs = opts.funcs ?? {};
    this.topVars = (opts.vars ?? []).map(dollar);
    this.env = {
      lookup: (n) => this.trees.get(n),
      funcs,
      limits: { ...DEFAULT_LIMITS, ...opts.limits },
      missingKey: opts.missingKey ?? 'default',
    };
  }

  private hasFunc = (name: string): boolean =>
    Object.prototype.hasOwnProperty.call(this.env.funcs, name) ||
    name in BUILTINS ||
    SPECIAL_NAMES.has(name);

  /** Parses `text` as template `name` (plus its defines). Throws TemplateParseError. */
  parse(name: string, text: string): this {
    const parsed = parseTemplate(name, text, { hasFunc: this.hasFunc, topVars: this.topVars });
    this.addTrees(parsed);
    return this;
  }

  /** Adds already-parsed trees (from a cache), with Go's rule that empty bodies do not replace. */
  addTrees(parsed: ReadonlyMap<string, Tree>): void {
    for (const [n, t] of parsed) {
      const prev = this.trees.get(n);
      if (prev && isEmpty(t.root) && !isEmpty(prev.root)) continue;
      this.trees.set(n, t);
    }
  }

  has(name: string): boolean {
    return this.trees.has(name);
  }

  names(): string[] {
    return [...this.trees.keys()].sort();
  }

  /** Runs template `name` with dot = `data`; `vars` sets the pre-declared variables. */
  async execute(
    name: string,
    data: unknown,
    opts: { vars?: Readonly<Record<string, unknown>> } = {},
  ): Promise<string> {
    const tree = this.trees.get(name);
    if (!tree)
      throw new TemplateExecError(
        `template: no template "${name}" associated with template set`,
        name,
        0,
      );
    const vars: Record<string, unknown> = {};
    for (const v of this.topVars) vars[v] = undefined;
    for (const [k, v] of Object.entries(opts.vars ?? {})) vars[dollar(k)] = v;
    return executeTree(this.env, tree, data, vars);
  }

  /** The function names the set knows (builtins and its own), for validation messages. */
  checkFuncs(uses: readonly FuncUse[], name: string, text: string): void {
    for (const u of uses)
      if (!this.hasFunc(u.name))
        throw new TemplateParseError(
          `template: ${name}:${location(text, u.pos)}: function "${u.name}" not defined`,
        );
  }
}

export interface FuncUse {
  readonly name: string;
  readonly pos: number;
}

export interface ExpandOptions extends TemplateSetOptions {
  /** Values of the pre-declared variables, e.g. `{ labels: {...}, value: 1 }`; names declare them. */
  readonly values?: Readonly<Record<string, unknown>>;
}

interface Cached {
  readonly trees: ReadonlyMap<string, Tree>;
  readonly uses: readonly FuncUse[];
}

const CACHE_MAX = 2000;
const cache = new Map<string, Cached>();

function parseCached(name: string, text: string, vars: readonly string[]): Cached {
  const key = `${name}\u0000${vars.join(',')}\u0000${text}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const uses: FuncUse[] = [];
  // Function names are checked per call (the FuncMap may differ); record them with positions.
  const trees = parseTemplate(name, text, {
    hasFunc: (n) => {
      uses.push({ name: n, pos: -1 });
      return true;
    },
    topVars: vars,
  });
  const withPos = uses.map((u) => ({ name: u.name, pos: findIdent(text, u.name) }));
  const entry = { trees, uses: withPos };
  cache.set(key, entry);
  if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
  return entry;
}

function findIdent(text: string, name: string): number {
  const m = new RegExp(`(?<![\\w.$])${name}(?![\\w])`).exec(text);
  return m ? m.index : 0;
}

/**
 * Parses and runs `text` once (Prometheus's Expander): text without "{{" comes back as is;
 * parsed trees are cached by text (bounded LRU), so repeated rule evaluations parse once.
 */
export async function expandTemplate(
  name: string,
  text: string,
  data: unknown,
  opts: ExpandOptions = {},
): Promise<string> {
  if (!text.includes('{{')) return text;
  const values = opts.values ?? {};
  const vars = [...new Set([...(opts.vars ?? []), ...Object.keys(values)].map(dollar))].sort();
  const cached = parseCached(name, text, vars);
  const set = new TemplateSet({ ...opts, vars });
  set.checkFuncs(cached.uses, name, text);
  set.addTrees(cached.trees);
  return set.execute(name, data, { vars: values });
}
