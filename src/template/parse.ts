import type { Arg, Command, Node, Pipe, Tree } from './ast.js';
import { argString } from './ast.js';
import { TemplateParseError } from './errors.js';
import { lex, location, type Token } from './lex.js';
import { parseNumber, unquote } from './parse-literal.js';

/** What the parser checks names against: Go resolves functions and variables at parse time. */
export interface ParseEnv {
  hasFunc(name: string): boolean;
  /** Variables visible at the top level of the main template besides `$` (e.g. `$labels`). */
  readonly topVars: readonly string[];
}

/** Parses `text` as template `name`; returns the main tree and every `define`/`block` tree. */
export function parseTemplate(name: string, text: string, env: ParseEnv): Map<string, Tree> {
  return new Parser(name, text, env).parseAll();
}

const MAX_NESTING = 500;

type Stop = { kind: 'end' | 'else' | 'eof'; pos: number };

class Parser {
  private readonly toks: Token[];
  private i = 0;
  private vars: string[];
  private rangeDepth = 0;
  /** Nesting of pipelines and blocks; bounded so hostile input cannot overflow the stack. */
  private depth = 0;
  private readonly trees = new Map<string, Tree>();

  constructor(
    private readonly name: string,
    private readonly text: string,
    private readonly env: ParseEnv,
  ) {
    this.toks = lex(name, text);
    this.vars = ['$', ...env.topVars];
  }

  private fail(pos: number, msg: string): never {
    throw new TemplateParseError(`template: ${this.name}:${location(this.text, pos)}: ${msg}`);
  }
  private peek(): Token {
    return this.toks[this.i];
  }
  private next(): Token {
    return this.toks[this.i++];
  }
  private peekNonSpace(): Token {
    while (this.peek().kind === 'space') this.i++;
    return this.peek();
  }
  private nextNonSpace(): Token {
    this.peekNonSpace();
    return this.next();
  }
  private expectRight(ctx: string): void {
    const t = this.nextNonSpace();
    if (t.kind !== 'right') this.fail(t.pos, `unexpected ${describe(t)} in ${ctx}`);
  }

  parseAll(): Map<string, Tree> {
    const root = this.list(true);
    if (root.stop.kind !== 'eof') this.fail(root.stop.pos, `unexpected {{${root.stop.kind}}}`);
    this.trees.set(this.name, { name: this.name, root: root.nodes, text: this.text });
    return this.trees;
  }

  /** Nodes up to {{end}}, {{else}} or end of input. */
  private list(top: boolean): { nodes: Node[]; stop: Stop } {
    const nodes: Node[] = [];
    for (;;) {
      const t = this.next();
      switch (t.kind) {
        case 'eof':
          if (!top) this.fail(t.pos, 'unexpected EOF');
          return { nodes, stop: { kind: 'eof', pos: t.pos } };
        case 'text':
          nodes.push({ t: 'text', pos: t.pos, text: t.val });
          break;
        case 'comment':
          break;
        case 'left': {
          const k = this.peekNonSpace();
          if (k.kind === 'keyword' && (k.val === 'end' || k.val === 'else')) {
            this.next();
            if (k.val === 'end') this.expectRight('end');
            return { nodes, stop: { kind: k.val, pos: k.pos } };
          }
          if (k.kind === 'keyword' && k.val === 'define') {
            if (!top) this.fail(k.pos, 'unexpected <define> in command');
            this.next();
            this.define(k.pos);
            break;
          }
          const n = this.action(top);
          if (n) nodes.push(n);
          break;
        }
        default:
          this.fail(t.pos, `unexpected ${describe(t)}`);
      }
    }
  }

  private action(top: boolean): Node | undefined {
    const t = this.peekNonSpace();
    if (t.kind === 'keyword') {
      this.next();
      switch (t.val) {
        case 'if':
        case 'with':
        case 'range':
          return this.control(t.val, t.pos);
        case 'template':
          return this.templateCall(t.pos);
        case 'block':
          return this.block(t.pos, top);
        case 'break':
        case 'continue':
          if (this.rangeDepth === 0) this.fail(t.pos, `{{${t.val}}} outside {{range}}`);
          this.expectRight(t.val);
          return { t: t.val, pos: t.pos };
        default:
          this.fail(t.pos, `unexpected <${t.val}>`);
      }
    }
    const pipe = this.pipeline('command', 'right');
    return { t: 'action', pos: t.pos, pipe };
  }

  private control(kind: 'if' | 'with' | 'range', pos: number): Node {
    this.enter(pos);
    try {
      return this.controlBody(kind, pos);
    } finally {
      this.depth--;
    }
  }

  private enter(pos: number): void {
    if (++this.depth > MAX_NESTING) this.fail(pos, `exceeded maximum nesting depth ${MAX_NESTING}`);
  }

  private controlBody(kind: 'if' | 'with' | 'range', pos: number): Node {
    const mark = this.vars.length;
    const pipe = this.pipeline(kind, 'right');
    if (kind === 'range') this.rangeDepth++;
    const body = this.list(false);
    if (kind === 'range') this.rangeDepth--;
    let elseList: Node[] | undefined;
    if (body.stop.kind === 'else') {
      const k = this.peekNonSpace();
      if ((kind === 'if' && k.val === 'if') || (kind === 'with' && k.val === 'with')) {
        if (k.kind !== 'keyword') this.fail(k.pos, 'unexpected token after else');
        this.next();
        // "else if": the nested control consumes the shared {{end}}.
        elseList = [this.control(kind, k.pos)];
      } else {
        this.expectRight('else');
        const rest = this.list(false);
        if (rest.stop.kind !== 'end') this.fail(rest.stop.pos, `expected end; found {{else}}`);
        elseList = rest.nodes;
      }
    }
    this.vars.length = mark;
    return { t: kind, pos, pipe, list: body.nodes, elseList };
  }

  private templateName(ctx: string): { name: string; pos: number } {
    const t = this.nextNonSpace();
    if (t.kind !== 'string' && t.kind !== 'raw')
      this.fail(t.pos, `unexpected ${describe(t)} in ${ctx} clause`);
    return { name: unquote(t.val, (m) => this.fail(t.pos, m)), pos: t.pos };
  }

  private templateCall(pos: number): Node {
    const { name } = this.templateName('template');
    let pipe: Pipe | undefined;
    if (this.peekNonSpace().kind !== 'right') pipe = this.pipeline('template', 'right');
    else this.next();
    const str = `{{template ${JSON.stringify(name)}${pipe ? ' ' + pipe.str : ''}}}`;
    return { t: 'template', pos, name, pipe, str };
  }

  private define(pos: number): void {
    const { name } = this.templateName('define');
    this.expectRight('define');
    const saved = this.vars;
    const savedDepth = this.rangeDepth;
    this.vars = ['$'];
    this.rangeDepth = 0;
    const body = this.list(false);
    if (body.stop.kind !== 'end') this.fail(body.stop.pos, 'unexpected {{else}} in define');
    this.vars = saved;
    this.rangeDepth = savedDepth;
    this.addTree(name, body.nodes, pos);
  }

  private block(pos: number, top: boolean): Node {
    if (!top) this.fail(pos, 'unexpected <block> in command');
    const { name } = this.templateName('block');
    const pipe = this.pipeline('block', 'right');
    const saved = this.vars;
    this.vars = ['$'];
    const body = this.list(false);
    if (body.stop.kind !== 'end') this.fail(body.stop.pos, 'unexpected {{else}} in block');
    this.vars = saved;
    this.addTree(name, body.nodes, pos);
    return {
      t: 'template',
      pos,
      name,
      pipe,
      str: `{{template ${JSON.stringify(name)} ${pipe.str}}}`,
    };
  }

  private addTree(name: string, root: Node[], pos: number): void {
    const prev = this.trees.get(name);
    // Go: a second non-empty definition of one name in one parse is an error.
    if (prev && !isEmpty(prev.root) && !isEmpty(root))
      this.fail(pos, `template: multiple definition of template "${name}"`);
    if (!prev || !isEmpty(root)) this.trees.set(name, { name, root, text: this.text });
  }

  private pipeline(ctx: string, end: 'right' | 'rparen'): Pipe {
    this.enter(this.peek().pos);
    try {
      return this.pipelineBody(ctx, end);
    } finally {
      this.depth--;
    }
  }

  private pipelineBody(ctx: string, end: 'right' | 'rparen'): Pipe {
    const start = this.peekNonSpace().pos;
    const decl: string[] = [];
    let isAssign = false;
    const save = this.i;
    const v = this.peekNonSpace();
    if (v.kind === 'variable') {
      this.next();
      const after = this.peek();
      const n = this.peekNonSpace();
      if (n.kind === 'declare' || n.kind === 'assign') {
        this.next();
        decl.push(v.val);
        isAssign = n.kind === 'assign';
        if (isAssign && !this.vars.includes(v.val))
          this.fail(v.pos, `undefined variable "${v.val}"`);
      } else if (n.kind === 'comma' && ctx === 'range') {
        this.next();
        const v2 = this.nextNonSpace();
        if (v2.kind !== 'variable') this.fail(v2.pos, `range can only initialize variables`);
        const op = this.nextNonSpace();
        if (op.kind !== 'declare' && op.kind !== 'assign')
          this.fail(op.pos, `expected := or = after range variables`);
        isAssign = op.kind === 'assign';
        decl.push(v.val, v2.val);
      } else {
        void after;
        this.i = save;
      }
    }
    const cmds: Command[] = [];
    for (;;) {
      const t = this.peekNonSpace();
      if ((end === 'right' && t.kind === 'right') || (end === 'rparen' && t.kind === 'rparen')) {
        this.next();
        break;
      }
      if (t.kind === 'eof' || t.kind === 'right' || t.kind === 'rparen')
        this.fail(t.pos, `unexpected ${describe(t)} in operand`);
      cmds.push(this.command());
      const p = this.peekNonSpace();
      if (p.kind === 'pipe') {
        this.next();
        const q = this.peekNonSpace();
        if (q.kind === 'right' || q.kind === 'rparen' || q.kind === 'pipe')
          this.fail(q.pos, 'empty command');
      }
    }
    if (cmds.length === 0) this.fail(start, `missing value for ${ctx}`);
    for (let k = 1; k < cmds.length; k++) {
      const a = cmds[k].args[0];
      if (a.t === 'const' || a.t === 'nil' || a.t === 'dot')
        this.fail(a.pos, `non executable command in pipeline stage ${k + 1}`);
    }
    if (!isAssign) for (const d of decl) this.vars.push(d);
    const declStr = decl.length ? `${decl.join(', ')} ${isAssign ? '=' : ':='} ` : '';
    return { pos: start, decl, isAssign, cmds, str: declStr + cmds.map((c) => c.str).join(' | ') };
  }

  private command(): Command {
    const args: Arg[] = [];
    const pos = this.peekNonSpace().pos;
    for (;;) {
      const t = this.peekNonSpace();
      if (t.kind === 'pipe' || t.kind === 'right' || t.kind === 'rparen') break;
      args.push(this.operand());
      const n = this.peek();
      if (n.kind !== 'space' && n.kind !== 'pipe' && n.kind !== 'right' && n.kind !== 'rparen')
        this.fail(n.pos, `unexpected ${describe(n)} in operand`);
    }
    if (args.length === 0) this.fail(pos, 'empty command');
    return { pos, args, str: args.map(argString).join(' ') };
  }

  private operand(): Arg {
    let a = this.term();
    const names: string[] = [];
    while (this.peek().kind === 'field') names.push(this.next().val.slice(1));
    if (names.length === 0) return a;
    if (a.t === 'field') return { ...a, names: [...a.names, ...names] };
    if (a.t === 'var') return { ...a, names: [...a.names, ...names] };
    if (a.t === 'const' || a.t === 'nil' || a.t === 'dot' || a.t === 'ident')
      this.fail(a.pos, `unexpected . after term ${JSON.stringify(argString(a))}`);
    a = { t: 'chain', pos: a.pos, node: a, names };
    return a;
  }

  private term(): Arg {
    const t = this.nextNonSpace();
    switch (t.kind) {
      case 'ident':
        if (!this.env.hasFunc(t.val)) this.fail(t.pos, `function "${t.val}" not defined`);
        return { t: 'ident', pos: t.pos, name: t.val };
      case 'dot':
        return { t: 'dot', pos: t.pos };
      case 'nil':
        return { t: 'nil', pos: t.pos };
      case 'variable':
        if (!this.vars.includes(t.val)) this.fail(t.pos, `undefined variable "${t.val}"`);
        return { t: 'var', pos: t.pos, name: t.val, names: [] };
      case 'field':
        return { t: 'field', pos: t.pos, names: [t.val.slice(1)] };
      case 'bool':
        return { t: 'const', pos: t.pos, value: t.val === 'true', str: t.val };
      case 'number':
        return {
          t: 'const',
          pos: t.pos,
          value: parseNumber(t.val, (m) => this.fail(t.pos, m)),
          str: t.val,
        };
      case 'char':
        return {
          t: 'const',
          pos: t.pos,
          value: BigInt(unquote(t.val, (m) => this.fail(t.pos, m)).codePointAt(0) ?? 0),
          str: t.val,
        };
      case 'string':
      case 'raw':
        return {
          t: 'const',
          pos: t.pos,
          value: unquote(t.val, (m) => this.fail(t.pos, m)),
          str: t.val,
        };
      case 'lparen': {
        const pipe = this.pipeline('parenthesized pipeline', 'rparen');
        return { t: 'pipe', pos: t.pos, pipe };
      }
      default:
        return this.fail(t.pos, `unexpected ${describe(t)} in operand`);
    }
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'EOF';
    case 'right':
      return '"}}"';
    case 'keyword':
      return `<${t.val}>`;
    default:
      return JSON.stringify(t.val);
  }
}

/** Go's IsEmptyTree: only whitespace text (defines are hoisted out already). */
export function isEmpty(nodes: readonly Node[]): boolean {
  return nodes.every((n) => n.t === 'text' && n.text.trim() === '');
}
