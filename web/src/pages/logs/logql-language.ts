/**
 * LogQL for CodeMirror: Grafana's lezer grammar with highlight tags (the package ships the
 * parser only), and completion of label names and values inside a selector's braces.
 */
import {
  startCompletion,
  type Completion,
  type CompletionContext,
  type CompletionResult,
} from '@codemirror/autocomplete';
import type { EditorView } from '@codemirror/view';
import { LanguageSupport, LRLanguage } from '@codemirror/language';
import { parser } from '@grafana/lezer-logql';
import { styleTags, tags as t } from '@lezer/highlight';
import { completionSpot } from '../../lib/logs-query.js';

const KEYWORDS =
  'Json Logfmt Unpack Pattern Regexp Unwrap LabelFormat LineFormat LabelReplace Vector Offset ' +
  'Bool On Ignoring GroupLeft GroupRight Decolorize Drop Keep By Without And Or Unless Ip';
const FUNCTIONS =
  'Sum Avg Count Max Min Stddev Stdvar Bottomk Topk Sort Sort_Desc CountOverTime Rate ' +
  'RateCounter BytesOverTime BytesRate AvgOverTime SumOverTime MinOverTime MaxOverTime ' +
  'StddevOverTime StdvarOverTime QuantileOverTime FirstOverTime LastOverTime AbsentOverTime ' +
  'BytesConv DurationConv DurationSecondsConv';

const logql = LRLanguage.define({
  name: 'logql',
  parser: parser.configure({
    props: [
      styleTags({
        [KEYWORDS]: t.keyword,
        [FUNCTIONS]: t.function(t.variableName),
        'Identifier LabelName': t.labelName,
        String: t.string,
        'Number Duration Bytes': t.number,
        LineComment: t.lineComment,
        'Eq Neq Re Nre PipeExact PipeMatch PipePattern Npa Pipe Gtr Gte Lss Lte Eql Add Sub Mul Div Mod Pow':
          t.operator,
      }),
    ],
  }),
  languageData: {
    commentTokens: { line: '#' },
    closeBrackets: { brackets: ['(', '[', '{', '"', '`'] },
  },
});

/** Where completions come from (the page's time range). */
export interface LabelSource {
  names(): Promise<string[]>;
  values(name: string): Promise<string[]>;
}

/** A label name becomes `name=""` with the cursor between the quotes, and values open. */
function applyName(view: EditorView, c: Completion, from: number, to: number): void {
  const insert = `${c.label}=""`;
  view.dispatch({
    changes: { from, to, insert },
    selection: { anchor: from + insert.length - 1 },
  });
  startCompletion(view);
}

/** A value goes inside the quotes (escaped), and the cursor after the closing quote. */
function applyValue(view: EditorView, c: Completion, from: number, to: number): void {
  const value = JSON.stringify(c.label).slice(1, -1);
  const closed = view.state.doc.sliceString(to, to + 1) === '"';
  const insert = closed ? value : `${value}"`;
  view.dispatch({
    changes: { from, to, insert },
    selection: { anchor: from + value.length + 1 },
  });
}

function completer(source: LabelSource) {
  return async (ctx: CompletionContext): Promise<CompletionResult | null> => {
    const before = ctx.state.doc.sliceString(0, ctx.pos);
    const spot = completionSpot(before);
    if (!spot || (spot.prefix === '' && !ctx.explicit && !/[{,"]\s*$/.test(before))) return null;
    try {
      if (spot.kind === 'name') {
        const names = await source.names();
        return {
          from: spot.from,
          options: names.map((n) => ({ label: n, type: 'property', apply: applyName })),
          validFor: /^[a-zA-Z0-9_]*$/,
        };
      }
      const values = await source.values(spot.label);
      return {
        from: spot.from,
        options: values.map((v) => ({ label: v, type: 'constant', apply: applyValue })),
        validFor: /^[^"\\]*$/,
      };
    } catch {
      return null;
    }
  };
}

export function logqlSupport(source: LabelSource): LanguageSupport {
  return new LanguageSupport(logql, logql.data.of({ autocomplete: completer(source) }));
}
