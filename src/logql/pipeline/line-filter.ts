import { RE2JS } from 're2js';
import type { LineFilter } from '../../storage/index.js';
import type { LineFilterStage, Stage } from '../ast.js';
import { LogqlEvalError } from '../errors.js';
import { compileIpMatcher, lineHasIp } from './ip.js';
import { parsePattern, testPattern } from './pattern.js';

export function compileRegex(src: string, what: string): RE2JS {
  try {
    return RE2JS.compile(src);
  } catch (err) {
    throw new LogqlEvalError(
      `cannot compile ${what} ${JSON.stringify(src)}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** One line filter stage as a predicate (alternatives ORed; negated ops match none). */
export function compileLineFilter(st: LineFilterStage): (line: string) => boolean {
  const { values } = st;
  const neg = st.op === '!=' || st.op === '!~' || st.op === '!>';
  let any: (line: string) => boolean;
  if (st.ip) {
    const ms = values.map(compileIpMatcher);
    any = (line) => ms.some((m) => lineHasIp(line, m));
  } else if (st.op === '|=' || st.op === '!=') {
    if (values.some((v) => v === '')) any = () => true;
    else if (values.length === 1) {
      const v = values[0];
      any = (line) => line.includes(v);
    } else any = (line) => values.some((v) => line.includes(v));
  } else if (st.op === '|~' || st.op === '!~') {
    const re = compileRegex(
      values.length === 1 ? values[0] : values.map((v) => `(?:${v})`).join('|'),
      `line filter ${st.op}`,
    );
    any = (line) => re.matcher(line).find();
  } else {
    const ps = values.map(parsePattern);
    any = (line) => ps.some((p) => testPattern(p, line));
  }
  return neg ? (line) => !any(line) : any;
}

/**
 * The leading line filters the store can apply itself (`|= != |~ !~`, no ip(); `!=`/`!~`
 * with `or` become several ANDed filters). Returns them and the stages left for the pipeline.
 */
export function splitPushdown(stages: readonly Stage[]): { filters: LineFilter[]; rest: Stage[] } {
  const filters: LineFilter[] = [];
  let i = 0;
  for (; i < stages.length; i++) {
    const st = stages[i];
    if (st.kind !== 'line_filter' || st.ip || st.op === '|>' || st.op === '!>') break;
    const neg = st.op === '!=' || st.op === '!~';
    if (!neg && st.values.length !== 1) break;
    for (const value of st.values) filters.push({ op: st.op, value });
  }
  return { filters, rest: stages.slice(i) };
}
