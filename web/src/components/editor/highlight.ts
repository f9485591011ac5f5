/** Editor look: PromQL token colours and sizing from the theme's CSS variables. */
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorView } from '@codemirror/view';
import { tags } from '@lezer/highlight';

const style = HighlightStyle.define([
  { tag: tags.keyword, color: 'var(--series-3)' },
  { tag: tags.function(tags.variableName), color: 'var(--series-0)' },
  { tag: tags.labelName, color: 'var(--series-5)' },
  { tag: tags.string, color: 'var(--series-2)' },
  { tag: tags.number, color: 'var(--series-1)' },
  { tag: tags.operator, color: 'var(--accent)' },
  { tag: tags.comment, color: 'var(--muted)', fontStyle: 'italic' },
  { tag: tags.invalid, color: 'var(--error)' },
]);

const look = EditorView.theme({
  '&': {
    background: 'var(--panel)',
    color: 'var(--text)',
    border: '1px solid var(--border)',
    borderRadius: 'var(--radius)',
    fontSize: '13px',
  },
  '&.cm-focused': { outline: '2px solid var(--accent)', outlineOffset: '1px' },
  '.cm-content': { fontFamily: 'var(--mono)', padding: '6px 0', caretColor: 'var(--text)' },
  '.cm-line': { padding: '0 8px' },
  '.cm-scroller': { overflowX: 'auto' },
  '.cm-tooltip': {
    background: 'var(--panel)',
    color: 'var(--text)',
    border: '1px solid var(--border)',
  },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': {
    background: 'var(--accent)',
    color: 'var(--accent-text)',
  },
  '.cm-completionDetail': { color: 'var(--muted)', marginLeft: '8px' },
  '.cm-diagnostic-error': { borderLeft: '4px solid var(--error)' },
  '.cm-placeholder': { color: 'var(--muted)' },
});

export const editorLook = [syntaxHighlighting(style), look];
