import { parseExpr, type Expr } from '../promql/index.js';

/**
 * `#` comments (outside string literals) replaced by spaces of the same length. Rule files
 * often comment inside multi-line expressions (kube-prometheus does), and the promql parser
 * refuses comments before or inside an expression; blanking keeps error positions right.
 */
export function blankComments(text: string): string {
  if (!text.includes('#')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' && c !== '`' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '#') {
      const nl = text.indexOf('\n', i);
      const end = nl < 0 ? text.length : nl;
      out += ' '.repeat(end - i);
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Parses a rule's `expr` (comments allowed anywhere, as in Prometheus). */
export function parseRuleExpr(text: string): Expr {
  return parseExpr(blankComments(text));
}
