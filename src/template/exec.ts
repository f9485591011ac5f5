/**
 * The executor: walks a parsed tree against data, awaiting functions that return promises.
 * Errors carry Go's `template: NAME:LINE:COL: executing "NAME" at <NODE>: ...` wording.
 * Limits (output size, steps, call depth) turn runaway templates into errors, not hangs.
 */
import type { Arg, Branch, Command, Node, Pipe, RangeNode, Tree } from './ast.js';
import { argString } from './ast.js';
import { BUILTINS } from './builtins.js';
import { TemplateExecError, TemplateFuncError } from './errors.js';
import { formatV } from './fmt.js';
import { location } from './lex.js';
import {
  goValue,
  isMap,
  kindOf,
  mapEntries,
  mapGet,
  mapHas,
  methodOf,
  truth,
  typeName,
} from './values.js';

/** What a template function sees as `this`: a way to run another template of the same set. */
export interface FuncContext {
  execute(name: string, data: unknown): Promise<string>;
}

export type TemplateFunc = (this: FuncContext, ...args: unknown[]) => unknown;
export type FuncMap = Readonly<Record<string, TemplateFunc>>;

export interface TemplateLimits {
  /** Output characters per execution (including nested `tmpl` calls). */
  readonly maxOutputBytes: number;
  /** Actions evaluated plus range iterations. */
  readonly maxSteps: number;
  /** Nested `template`/`tmpl` calls. */
  readonly maxDepth: number;
}

export const DEFAULT_LIMITS: TemplateLimits = {
  maxOutputBytes: 1 << 20,
  maxSteps: 1_000_000,
  maxDepth: 1000,
};

/** Go's missingkey option: "<no value>" (default), the zero value "" (zero), or an error. */
export type MissingKey = 'default' | 'zero' | 'error';

export interface ExecEnv {
  lookup(name: string): Tree | undefined;
  readonly funcs: FuncMap;
  readonly limits: TemplateLimits;
  readonly missingKey: MissingKey;
}

const NONE: unique symbol = Symbol('no final value');
type Final = unknown;
const enum Flow {
  Normal,
  Break,
  Continue,
}

interface Counters {
  steps: number;
  out: number;
}

interface Var {
  readonly name: string;
  value: unknown;
}

class Run {
  private buf: string[] = [];
  private vars: Var[];

  constructor(
    private readonly env: ExecEnv,
    private tree: Tree,
    private readonly counters: Counters,
    private readonly depth: number,
    vars: Var[],
  ) {
    this.vars = vars;
  }

  private fail(pos: number, at: string, msg: string, cause?: unknown): never {
    const loc = location(this.tree.text, pos);
    const short = at.length > 40 ? at.slice(0, 37) + '...' : at;
    throw new TemplateExecError(
      `template: ${this.tree.name}:${loc}: executing "${this.tree.name}" at <${short}>: ${msg}`,
      this.tree.name,
      Number(loc.split(':')[0]),
      { cause },
    );
  }

  private step(pos: number, at: string): void {
    if (++this.counters.steps > this.env.limits.maxSteps)
      this.fail(
        pos,
        at,
        `cannot execute template: step limit ${this.env.limits.maxSteps} exceeded (maxSteps)`,
      );
  }

  private write(pos: number, at: string, s: string): void {
    this.counters.out += s.length;
    if (this.counters.out > this.env.limits.maxOutputBytes)
      this.fail(
        pos,
        at,
        `cannot execute template: output exceeds ${this.env.limits.maxOutputBytes} bytes (maxOutputBytes)`,
      );
    this.buf.push(s);
  }

  async run(dot: unknown): Promise<string> {
    await this.walk(dot, this.tree.root);
    return this.buf.join('');
  }

  private async walk(dot: unknown, list: readonly Node[]): Promise<Flow> {
    for (const n of list) {
      const f = await this.node(dot, n);
      if (f !== Flow.Normal) return f;
    }
    return Flow.Normal;
  }

  private async node(dot: unknown, n: Node): Promise<Flow> {
    switch (n.t) {
      case 'text':
        this.write(n.pos, 'text', n.text);
        return Flow.Normal;
      case 'action': {
        this.step(n.pos, n.pipe.str);
        const v = await this.pipeline(dot, n.pipe, true);
        if (n.pipe.decl.length === 0)
          this.write(n.pos, n.pipe.str, this.printable(n.pos, n.pipe.str, v));
        return Flow.Normal;
      }
      case 'if':
      case 'with':
        return this.ifWith(dot, n, n.t);
      case 'range':
        return this.range(dot, n);
      case 'break':
        return Flow.Break;
      case 'continue':
        return Flow.Continue;
      case 'template': {
        this.step(n.pos, n.str);
        const tree = this.env.lookup(n.name);
        if (!tree)
          this.fail(
            n.pos,
            n.str,
            `template: no template "${n.name}" associated with template "${this.tree.name}"`,
          );
        const mark = this.vars.length;
        const v = n.pipe ? await this.pipeline(dot, n.pipe, true) : undefined;
        this.vars.length = mark;
        const out = await this.call(n.pos, n.str, tree, v);
        this.write(n.pos, n.str, out);
        return Flow.Normal;
      }
    }
  }

  /** Runs `tree` with dot = data in a fresh variable scope; shares the limits' counters. */
  async call(pos: number, at: string, tree: Tree, data: unknown): Promise<string> {
    if (this.depth + 1 > this.env.limits.maxDepth)
      this.fail(
        pos,
        at,
        `cannot execute template: exceeded maximum template depth (${this.env.limits.maxDepth}, maxDepth)`,
      );
    const sub = new Run(this.env, tree, this.counters, this.depth + 1, [
      { name: '$', value: data },
    ]);
    return sub.run(data);
  }

  private printable(pos: number, at: string, v: unknown): string {
    if (v === undefined) return '<no value>';
    if (typeof v === 'function') this.fail(pos, at, `can't print ${at} of type func`);
    return formatV(v);
  }

  private async ifWith(dot: unknown, n: Branch, kind: 'if' | 'with'): Promise<Flow> {
    this.step(n.pos, n.pipe.str);
    const mark = this.vars.length;
    try {
      const v = await this.pipeline(dot, n.pipe, true);
      if (truth(v)) return await this.walk(kind === 'with' ? v : dot, n.list);
      if (n.elseList) return await this.walk(dot, n.elseList);
      return Flow.Normal;
    } finally {
      this.vars.length = mark;
    }
  }

  private async range(dot: unknown, n: RangeNode): Promise<Flow> {
    this.step(n.pos, n.pipe.str);
    const mark = this.vars.length;
    try {
      const v = goValue(await this.pipeline(dot, n.pipe, false));
      const decl = n.pipe.decl;
      const slots: Var[] = [];
      if (n.pipe.isAssign) {
        for (const d of decl) slots.push(this.variable(n.pos, d));
      } else {
        for (const d of decl) {
          const slot = { name: d, value: undefined };
          this.vars.push(slot);
          slots.push(slot);
        }
      }
      const inner = this.vars.length;
      const one = async (k: unknown, elem: unknown): Promise<Flow> => {
        this.step(n.pos, n.pipe.str);
        if (slots.length === 1) slots[0].value = elem;
        else if (slots.length === 2) {
          slots[0].value = k;
          slots[1].value = elem;
        }
        const f = await this.walk(elem, n.list);
        this.vars.length = inner;
        return f;
      };
      let any = false;
      switch (kindOf(v)) {
        case 'slice': {
          const arr = v as unknown[];
          for (let i = 0; i < arr.length; i++) {
            any = true;
            if ((await one(BigInt(i), goValue(arr[i]))) === Flow.Break) break;
          }
          break;
        }
        case 'map':
          for (const [k, e] of mapEntries(v as Record<string, unknown>)) {
            any = true;
            if ((await one(k, goValue(e))) === Flow.Break) break;
          }
          break;
        case 'int': {
          if (slots.length > 1)
            this.fail(
              n.pos,
              n.pipe.str,
              `can't use ${formatV(v)} to iterate over more than one variable`,
            );
          for (let i = 0n; i < (v as bigint); i++) {
            any = true;
            if ((await one(i, i)) === Flow.Break) break;
          }
          break;
        }
        case 'invalid':
        case 'nil':
          break;
        default:
          this.fail(n.pos, n.pipe.str, `range can't iterate over ${formatV(v)}`);
      }
      if (!any && n.elseList) {
        this.vars.length = mark;
        return await this.walk(dot, n.elseList);
      }
      return Flow.Normal;
    } finally {
      this.vars.length = mark;
    }
  }

  private variable(pos: number, name: string): Var {
    for (let i = this.vars.length - 1; i >= 0; i--)
      if (this.vars[i].name === name) return this.vars[i];
    return this.fail(pos, name, `undefined variable: ${name}`);
  }

  /** Evaluates a pipeline; with `declare`, binds its `$x :=` / `$x =` variables. */
  private async pipeline(dot: unknown, p: Pipe, declare: boolean): Promise<unknown> {
    let v: unknown = NONE;
    for (const c of p.cmds) v = await this.command(dot, c, v);
    if (declare && p.decl.length > 0) {
      for (const d of p.decl) {
        if (p.isAssign) this.variable(p.pos, d).value = v;
        else this.vars.push({ name: d, value: v });
      }
    }
    return v;
  }

  private async command(dot: unknown, c: Command, final: Final): Promise<unknown> {
    const first = c.args[0];
    switch (first.t) {
      case 'field':
        return this.fieldChain(dot, dot, first, first.names, c.args, final);
      case 'chain': {
        const recv = await this.arg(dot, first.node);
        return this.fieldChain(dot, recv, first, first.names, c.args, final);
      }
      case 'var': {
        const v = this.variable(first.pos, first.name).value;
        if (first.names.length === 0) {
          this.noArgs(c, final);
          return v;
        }
        return this.fieldChain(dot, v, first, first.names, c.args, final);
      }
      case 'ident':
        return this.func(dot, first.name, c, final);
      case 'pipe':
        this.noArgs(c, final);
        return this.pipeline(dot, first.pipe, true);
      case 'nil':
        return this.fail(first.pos, c.str, 'nil is not a command');
      default:
        this.noArgs(c, final);
        return this.arg(dot, first);
    }
  }

  private noArgs(c: Command, final: Final): void {
    if (c.args.length > 1 || final !== NONE)
      this.fail(c.pos, c.str, `can't give argument to non-function ${argString(c.args[0])}`);
  }

  private async fieldChain(
    dot: unknown,
    recv: unknown,
    node: Arg,
    names: readonly string[],
    args: readonly Arg[],
    final: Final,
  ): Promise<unknown> {
    let v = recv;
    for (let i = 0; i < names.length; i++) {
      const last = i === names.length - 1;
      v = await this.field(dot, names[i], node, v, last ? args : [], last ? final : NONE);
    }
    return v;
  }

  private async field(
    dot: unknown,
    name: string,
    node: Arg,
    recv0: unknown,
    args: readonly Arg[],
    final: Final,
  ): Promise<unknown> {
    const at = argString(node);
    const recv = goValue(recv0);
    if (recv === undefined || recv === null) {
      if (this.env.missingKey === 'error')
        this.fail(node.pos, at, `nil data; no entry for key "${name}"`);
      return undefined;
    }
    const hasArgs = args.length > 1 || final !== NONE;
    const method = methodOf(recv, name, hasArgs);
    if (method) {
      const argv = await this.evalArgs(dot, args.slice(1), final);
      try {
        return goValue(await method.apply(recv, argv));
      } catch (err) {
        return this.fail(node.pos, at, `error calling ${name}: ${messageOf(err)}`, err);
      }
    }
    if (isMap(recv)) {
      if (hasArgs) this.fail(node.pos, at, `${name} is not a method but has arguments`);
      if (mapHas(recv, name)) return goValue(mapGet(recv, name));
      if (this.env.missingKey === 'error')
        this.fail(node.pos, at, `map has no entry for key "${name}"`);
      // missingkey=zero: the zero value of the map's element type, "" for label maps.
      return this.env.missingKey === 'zero' ? '' : undefined;
    }
    if (typeof recv === 'object' && recv !== null && !Array.isArray(recv) && name in recv) {
      if (hasArgs)
        this.fail(node.pos, at, `${name} has arguments but cannot be invoked as function`);
      return goValue((recv as Record<string, unknown>)[name]);
    }
    return this.fail(node.pos, at, `can't evaluate field ${name} in type ${typeName(recv)}`);
  }

  private async evalArgs(dot: unknown, args: readonly Arg[], final: Final): Promise<unknown[]> {
    const out: unknown[] = [];
    for (const a of args) out.push(this.zero(await this.arg(dot, a)));
    if (final !== NONE) out.push(this.zero(final));
    return out;
  }

  /** With missingkey=zero a missing value is Go's zero value of string: "". */
  private zero(v: unknown): unknown {
    return v === undefined && this.env.missingKey === 'zero' ? '' : v;
  }

  private async arg(dot: unknown, a: Arg): Promise<unknown> {
    switch (a.t) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'const':
        return a.value;
      case 'field':
        return this.fieldChain(dot, dot, a, a.names, [], NONE);
      case 'var': {
        const v = this.variable(a.pos, a.name).value;
        return a.names.length ? this.fieldChain(dot, v, a, a.names, [], NONE) : v;
      }
      case 'pipe':
        return this.pipeline(dot, a.pipe, true);
      case 'chain':
        return this.fieldChain(dot, await this.arg(dot, a.node), a, a.names, [], NONE);
      case 'ident':
        return this.func(dot, a.name, { pos: a.pos, args: [a], str: a.name }, NONE);
    }
  }

  private async func(dot: unknown, name: string, c: Command, final: Final): Promise<unknown> {
    const user = this.env.funcs[name];
    if (!user && (name === 'and' || name === 'or')) {
      // Go 1.18+: and/or stop at the first argument that decides the result.
      const rest = c.args.slice(1);
      if (rest.length + (final !== NONE ? 1 : 0) === 0)
        this.fail(c.pos, c.str, `wrong number of args for ${name}: want at least 1 got 0`);
      let v: unknown;
      for (let i = 0; i < rest.length + (final !== NONE ? 1 : 0); i++) {
        v = i < rest.length ? await this.arg(dot, rest[i]) : final;
        if (truth(v) === (name === 'or')) return v;
      }
      return v;
    }
    const argv = await this.evalArgs(dot, c.args.slice(1), final);
    try {
      if (user) {
        const ctx: FuncContext = {
          execute: async (tname, data) => {
            const tree = this.env.lookup(tname);
            if (!tree)
              throw new TemplateFuncError(
                `template: no template "${tname}" associated with template "${this.tree.name}"`,
              );
            return this.call(c.pos, c.str, tree, data);
          },
        };
        return goValue(await user.apply(ctx, argv));
      }
      if (name === 'call') {
        const [fn, ...rest] = argv;
        if (typeof fn !== 'function')
          throw new TemplateFuncError(`non-function of type ${typeName(fn)}`);
        return goValue(await (fn as (...a: unknown[]) => unknown)(...rest));
      }
      const b = BUILTINS[name];
      if (!b) throw new TemplateFuncError(`"${name}" is not a defined function`);
      return b(argv);
    } catch (err) {
      if (err instanceof TemplateExecError) throw err;
      return this.fail(c.pos, c.str, `error calling ${name}: ${messageOf(err)}`, err);
    }
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Executes `tree` against `data` with pre-declared variables `vars` (e.g. `$labels`). */
export async function executeTree(
  env: ExecEnv,
  tree: Tree,
  data: unknown,
  vars: Readonly<Record<string, unknown>> = {},
): Promise<string> {
  const scope: Var[] = [{ name: '$', value: data }];
  for (const [k, v] of Object.entries(vars))
    scope.push({ name: k.startsWith('$') ? k : '$' + k, value: v });
  return new Run(env, tree, { steps: 0, out: 0 }, 0, scope).run(data);
}
