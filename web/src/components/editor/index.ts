/** @module editor — the PromQL editor (CodeMirror 6 + codemirror-promql) and its helpers. */
export { PromqlEditor, type PromqlEditorProps } from './promql-editor.js';
export { ArgusPromClient, selector } from './promql-client.js';
export { recentQueries, rememberQuery } from './query-history.js';
