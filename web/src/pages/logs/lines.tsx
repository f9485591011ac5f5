/**
 * The log lines: time, level and text (query literals highlighted as <mark> spans; every
 * string renders as text). A line's button expands it: all its labels and fields, copy, and
 * "show context" (the lines around it in its stream).
 */
import { useState } from 'preact/hooks';
import { formatTime, type Zone } from '../../lib/time-range.js';
import { nsToSec, type LogLine } from '../../lib/logs-lines.js';
import { highlightSegments, visibleText } from '../../lib/logs-text.js';
import { CONTEXT_LINES, fetchContext } from './run.js';
import { lokiMessage } from '../../api/logs.js';

export interface LinesProps {
  lines: readonly LogLine[];
  literals: readonly string[];
  tz: Zone;
  wrap: boolean;
  isStreamLabel: (name: string) => boolean;
  onFilter: (name: string, value: string) => void;
}

/** `2026-11-27 09:30:00.123` in the zone. */
function lineTime(ns: string, tz: Zone): string {
  const sec = nsToSec(ns);
  const ms = String(Math.round((sec % 1) * 1000)).padStart(3, '0');
  return `${formatTime(Math.floor(sec), tz).replace(' UTC', '')}.${ms}`;
}

function Text({ line, literals }: { line: string; literals: readonly string[] }) {
  return (
    <>
      {highlightSegments(line, literals).map((s, i) =>
        s.match ? <mark key={i}>{visibleText(s.text)}</mark> : visibleText(s.text),
      )}
    </>
  );
}

export function Lines(p: LinesProps) {
  const [open, setOpen] = useState<string>();
  return (
    <ol class={`logs-lines mono${p.wrap ? ' wrap' : ''}`} aria-label="Log lines">
      {p.lines.map((l) => (
        <li key={l.key} class={`logs-line lvl-${l.level}`}>
          <button
            type="button"
            class="logs-line-head"
            aria-expanded={open === l.key ? 'true' : 'false'}
            onClick={() => setOpen(open === l.key ? undefined : l.key)}
          >
            <span class="logs-time">{lineTime(l.ns, p.tz)}</span>
            <span class="logs-level">{l.level === 'unknown' ? '' : l.level}</span>
            <span class="logs-text">
              <Text line={l.line} literals={p.literals} />
            </span>
          </button>
          {open === l.key && <LineDetails {...p} line={l} />}
        </li>
      ))}
    </ol>
  );
}

type ContextState =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'done'; before: LogLine[]; after: LogLine[] };

function LineDetails(p: LinesProps & { line: LogLine }) {
  const { line } = p;
  const [copied, setCopied] = useState(false);
  const [ctx, setCtx] = useState<ContextState>({ kind: 'idle' });
  const names = Object.keys(line.labels).sort();
  const copy = () =>
    void navigator.clipboard?.writeText(line.line).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  const context = () => {
    setCtx({ kind: 'loading' });
    fetchContext(line, p.isStreamLabel).then(
      (c) => setCtx({ kind: 'done', ...c }),
      (err: unknown) => setCtx({ kind: 'error', message: lokiMessage(err) }),
    );
  };
  return (
    <div class="logs-details">
      <div class="toolbar">
        <button type="button" onClick={copy}>
          {copied ? 'Copied' : 'Copy line'}
        </button>
        <button
          type="button"
          onClick={context}
          aria-busy={ctx.kind === 'loading' ? 'true' : 'false'}
        >
          Show context
        </button>
        <span class="muted small">{line.ns} ns</span>
      </div>
      <div class="table-wrap">
        <table class="logs-fields">
          <caption class="logs-sr-only">Labels and fields</caption>
          <tbody>
            {names.map((k) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td>{line.labels[k]}</td>
                <td>
                  <button
                    type="button"
                    class="logs-link small"
                    aria-label={`Filter on ${k}=${line.labels[k] ?? ''}`}
                    onClick={() => p.onFilter(k, line.labels[k] ?? '')}
                  >
                    filter
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {ctx.kind === 'error' && (
        <p class="error" role="alert">
          {ctx.message}
        </p>
      )}
      {ctx.kind === 'done' && (
        <div class="logs-context" aria-label="Context">
          <p class="muted small">
            Up to {CONTEXT_LINES} lines before and after, in the same stream (oldest first).
          </p>
          <ol class="logs-context-lines">
            {ctx.before.map((c) => (
              <li key={c.key} class={`lvl-${c.level} logs-context-before`}>
                <span class="logs-time">{lineTime(c.ns, p.tz)}</span> {visibleText(c.line)}
              </li>
            ))}
            <li class={`lvl-${line.level} logs-context-self`} aria-current="true">
              <span class="logs-time">{lineTime(line.ns, p.tz)}</span> {visibleText(line.line)}
            </li>
            {ctx.after.map((c) => (
              <li key={c.key} class={`lvl-${c.level} logs-context-after`}>
                <span class="logs-time">{lineTime(c.ns, p.tz)}</span> {visibleText(c.line)}
              </li>
            ))}
          </ol>
        </div>
      )}
    </div>
  );
}
