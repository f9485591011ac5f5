/** The parse tree of one template, after Go's text/template/parse node kinds. */

export type Node =
  TextNode | ActionNode | IfNode | RangeNode | WithNode | TemplateNode | BreakNode | ContinueNode;

export interface TextNode {
  readonly t: 'text';
  readonly pos: number;
  readonly text: string;
}
export interface ActionNode {
  readonly t: 'action';
  readonly pos: number;
  readonly pipe: Pipe;
}
export interface Branch {
  readonly pos: number;
  readonly pipe: Pipe;
  readonly list: Node[];
  /** else branch; an `else if`/`else with` is a one-node list holding the nested branch. */
  readonly elseList: Node[] | undefined;
}
export interface IfNode extends Branch {
  readonly t: 'if';
}
export interface WithNode extends Branch {
  readonly t: 'with';
}
export interface RangeNode extends Branch {
  readonly t: 'range';
}
export interface TemplateNode {
  readonly t: 'template';
  readonly pos: number;
  readonly name: string;
  readonly pipe: Pipe | undefined;
  readonly str: string;
}
export interface BreakNode {
  readonly t: 'break';
  readonly pos: number;
}
export interface ContinueNode {
  readonly t: 'continue';
  readonly pos: number;
}

export interface Pipe {
  readonly pos: number;
  /** Variables declared (`:=`) or assigned (`=`), without the `$`... kept with it. */
  readonly decl: readonly string[];
  readonly isAssign: boolean;
  readonly cmds: readonly Command[];
  readonly str: string;
}

export interface Command {
  readonly pos: number;
  readonly args: readonly Arg[];
  readonly str: string;
}

export type Arg =
  | { readonly t: 'field'; readonly pos: number; readonly names: readonly string[] }
  | {
      readonly t: 'var';
      readonly pos: number;
      readonly name: string;
      readonly names: readonly string[];
    }
  | { readonly t: 'dot'; readonly pos: number }
  | { readonly t: 'nil'; readonly pos: number }
  | { readonly t: 'ident'; readonly pos: number; readonly name: string }
  | { readonly t: 'const'; readonly pos: number; readonly value: unknown; readonly str: string }
  | { readonly t: 'pipe'; readonly pos: number; readonly pipe: Pipe }
  | {
      readonly t: 'chain';
      readonly pos: number;
      readonly node: Arg;
      readonly names: readonly string[];
    };

/** One parsed template: its name, body and the text it came from (for error positions). */
export interface Tree {
  readonly name: string;
  readonly root: Node[];
  readonly text: string;
}

export function argString(a: Arg): string {
  switch (a.t) {
    case 'field':
      return '.' + a.names.join('.');
    case 'var':
      return [a.name, ...a.names].join('.');
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'ident':
      return a.name;
    case 'const':
      return a.str;
    case 'pipe':
      return `(${a.pipe.str})`;
    case 'chain':
      return argString(a.node) + '.' + a.names.join('.');
  }
}
