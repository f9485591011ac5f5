/**
 * The LogQL editor: CodeMirror 6 with the LogQL grammar (highlighting) and label completion
 * inside `{…}`. Ctrl/Cmd-Enter runs the query; Enter inserts a newline. The style element
 * carries the page's CSP nonce (as the PromQL editor's).
 */
import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
} from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { bracketMatching } from '@codemirror/language';
import { EditorState, Prec } from '@codemirror/state';
import { EditorView, keymap, placeholder as placeholderExt } from '@codemirror/view';
import { useEffect, useRef } from 'preact/hooks';
import { editorLook } from '../../components/editor/highlight.js';
import { logqlSupport, type LabelSource } from './logql-language.js';

export interface LogqlEditorProps {
  value: string;
  onChange: (query: string) => void;
  onRun: (query: string) => void;
  labels: LabelSource;
  /** Bumped when the parent replaces the query (a facet click): the editor takes `value`. */
  revision?: number;
}

const cspNonce = () =>
  document.querySelector<HTMLMetaElement>('meta[name=csp-nonce]')?.content ?? '';

export function LogqlEditor({ value, onChange, onRun, labels, revision = 0 }: LogqlEditorProps) {
  const box = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const cb = useRef({ onChange, onRun, labels });
  cb.current = { onChange, onRun, labels };
  // Values the editor reported itself (a stale echo from the parent must not undo typing).
  const emitted = useRef(new Set<string>([value]));

  useEffect(() => {
    if (!box.current) return;
    const run = (v: EditorView) => {
      cb.current.onRun(v.state.doc.toString());
      return true;
    };
    const source: LabelSource = {
      names: () => cb.current.labels.names(),
      values: (n) => cb.current.labels.values(n),
    };
    const v = new EditorView({
      parent: box.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          EditorView.cspNonce.of(cspNonce()),
          Prec.highest(keymap.of([{ key: 'Mod-Enter', run }])),
          history(),
          closeBrackets(),
          bracketMatching(),
          autocompletion(),
          keymap.of([
            ...closeBracketsKeymap,
            ...defaultKeymap,
            ...historyKeymap,
            ...completionKeymap,
          ]),
          EditorView.lineWrapping,
          placeholderExt('{app="api"} |= "error"  (Ctrl/Cmd-Enter runs)'),
          EditorView.contentAttributes.of({ 'aria-label': 'LogQL query' }),
          logqlSupport(source),
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

  // A value set from outside (a facet click, the URL) replaces the document.
  useEffect(() => {
    const v = view.current;
    if (v && !emitted.current.has(value) && v.state.doc.toString() !== value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
    }
  }, [value]);
  useEffect(() => {
    const v = view.current;
    if (v && revision > 0 && v.state.doc.toString() !== value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
    }
  }, [revision]);

  return <div class="logs-editor" ref={box} />;
}
