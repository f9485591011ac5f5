/**
 * The PromQL editor: CodeMirror 6 with Prometheus's PromQL language (highlighting, inline
 * syntax errors, completion of functions, metric names, labels and values from our API).
 *
 *   <PromqlEditor value={q} onChange={setQ} onRun={run} label="Query A" />
 *
 * Enter runs the query (and keeps it in the recent-queries history), Shift-Enter inserts a
 * newline; Enter while the completion list is open picks the completion. The "Recent" button
 * lists the history. CodeMirror's style element carries the page's CSP nonce.
 */
import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
  completionStatus,
} from '@codemirror/autocomplete';
import {
  defaultKeymap,
  history,
  historyKeymap,
  insertNewlineAndIndent,
} from '@codemirror/commands';
import { bracketMatching } from '@codemirror/language';
import { lintKeymap } from '@codemirror/lint';
import { EditorState, Prec } from '@codemirror/state';
import { EditorView, keymap, placeholder as placeholderExt } from '@codemirror/view';
import { PromQLExtension } from '@prometheus-io/codemirror-promql';
import { useEffect, useRef, useState } from 'preact/hooks';
import { editorLook } from './highlight.js';
import { ArgusPromClient } from './promql-client.js';
import { recentQueries, rememberQuery } from './query-history.js';
import './editor.css';

export interface PromqlEditorProps {
  value: string;
  onChange: (query: string) => void;
  /** Enter runs the query; without onRun, Enter inserts a newline (a form's query box). */
  onRun?: (query: string) => void;
  /** Accessible name of the input. */
  label?: string;
  placeholder?: string;
}

/** One client for every editor on the page (its cache is shared). */
let client: ArgusPromClient | undefined;

function cspNonce(): string {
  return document.querySelector<HTMLMetaElement>('meta[name=csp-nonce]')?.content ?? '';
}

export function PromqlEditor({
  value,
  onChange,
  onRun,
  label = 'PromQL query',
  placeholder = onRun
    ? 'Enter a PromQL query (Enter runs, Shift-Enter for a new line)'
    : 'Enter a PromQL query',
}: PromqlEditorProps) {
  const box = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  // The latest callbacks, read by the editor's long-lived handlers.
  const cb = useRef({ onChange, onRun });
  cb.current = { onChange, onRun };
  const [recent, setRecent] = useState<string[] | null>(null);
  // What the editor has reported: a `value` among these is our own echo, possibly stale (the
  // parent renders after a few more keystrokes), not a change from outside. Syncing a stale
  // echo back would undo typing and ping-pong with the parent.
  const emitted = useRef(new Set<string>([value]));

  useEffect(() => {
    if (!box.current) return;
    client ??= new ArgusPromClient();
    const promql = new PromQLExtension().setComplete({
      remote: client,
      maxMetricsMetadata: 10_000,
    });
    const run = (v: EditorView) => {
      if (completionStatus(v.state) === 'active' || !cb.current.onRun) return false;
      const q = v.state.doc.toString();
      rememberQuery(q);
      cb.current.onRun(q);
      return true;
    };
    const v = new EditorView({
      parent: box.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          EditorView.cspNonce.of(cspNonce()),
          Prec.highest(
            keymap.of([
              { key: 'Enter', run },
              { key: 'Shift-Enter', run: insertNewlineAndIndent },
            ]),
          ),
          history(),
          closeBrackets(),
          bracketMatching(),
          autocompletion(),
          keymap.of([
            ...closeBracketsKeymap,
            ...defaultKeymap,
            ...historyKeymap,
            ...completionKeymap,
            ...lintKeymap,
          ]),
          EditorView.lineWrapping,
          placeholderExt(placeholder),
          EditorView.contentAttributes.of({ 'aria-label': label }),
          promql.asExtension(),
          editorLook,
          EditorView.updateListener.of((u) => {
            if (!u.docChanged) return;
            const doc = u.state.doc.toString();
            if (emitted.current.size > 200) emitted.current.clear();
            emitted.current.add(doc);
            cb.current.onChange(doc);
          }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
  }, []);

  // A value set from outside (history, URL) replaces the document.
  useEffect(() => {
    const v = view.current;
    if (v && !emitted.current.has(value) && v.state.doc.toString() !== value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
    }
  }, [value]);

  const pick = (q: string) => {
    setRecent(null);
    const v = view.current;
    if (!v) return;
    // Set directly: the echo check above would ignore a query typed before.
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: q } });
    v.focus();
  };

  return (
    <div class="promql-editor">
      <div class="promql-input" ref={box} />
      <div class="promql-recent" hidden={!onRun}>
        <button
          type="button"
          aria-expanded={recent !== null ? 'true' : 'false'}
          onClick={() => setRecent(recent === null ? recentQueries() : null)}
        >
          Recent
        </button>
        {recent !== null && (
          <ul class="menu promql-recent-list" aria-label="Recent queries">
            {recent.length === 0 && <li class="muted">No recent queries</li>}
            {recent.map((q) => (
              <li key={q}>
                <button type="button" class="mono" onClick={() => pick(q)}>
                  {q}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
