/**
 * The silence editor: matchers as editable rows (name, operator, value), start, duration or
 * end, creator (the user by default) and comment; a live preview of the current alerts it
 * would mute (`GET /api/v2/alerts` with the matchers); the API's refusal shown by the field it
 * concerns. Saving an existing silence POSTs it with its id (Alertmanager replaces it).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { amAlerts, saveSilence, type AmAlert, type Silence } from '../../api/alerting.js';
import {
  formatDuration,
  fromLocalInput,
  parseDuration,
  toLocalInput,
  toMs,
} from '../../lib/alerting/format.js';
import {
  formatMatcher,
  fromApiMatcher,
  MATCH_OPS,
  matcherProblem,
  matchesEverything,
  toApiMatcher,
  type Matcher,
  type MatchOp,
} from '../../lib/alerting/matchers.js';
import { silenceFieldOf, type SilenceField } from '../../lib/alerting/silence.js';
import { errorText } from './common.js';

type Field = SilenceField;

export interface EditorProps {
  /** The silence being edited (undefined: a new one). */
  existing?: Silence;
  /** A new silence's matchers (from an alert). */
  prefill?: Matcher[];
  user: string;
  onSaved(id: string): void;
  onCancel(): void;
}

const EMPTY_ROW: Matcher = { name: '', op: '=', value: '' };

export function SilenceEditor(p: EditorProps) {
  const ex = p.existing;
  const [rows, setRows] = useState<Matcher[]>(() =>
    ex ? ex.matchers.map(fromApiMatcher) : p.prefill?.length ? p.prefill : [EMPTY_ROW],
  );
  const [start, setStart] = useState(() => toLocalInput(ex ? toMs(ex.startsAt) : Date.now()));
  const [mode, setMode] = useState<'duration' | 'end'>(ex ? 'end' : 'duration');
  const [duration, setDuration] = useState('2h');
  const [end, setEnd] = useState(() =>
    toLocalInput(ex ? toMs(ex.endsAt) : Date.now() + 2 * 3_600_000),
  );
  const [createdBy, setCreatedBy] = useState(ex?.createdBy ?? p.user);
  const [comment, setComment] = useState(ex?.comment ?? '');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [busy, setBusy] = useState(false);

  const problems = rows.map(matcherProblem);
  const valid = problems.every((x) => x === '') && !matchesEverything(rows);
  const filter = rows.map(formatMatcher);

  // The preview: which current alerts these matchers select (debounced while typing).
  const [preview, setPreview] = useState<{ alerts?: AmAlert[]; error?: string }>({});
  const previewKey = valid ? filter.join('\n') : '';
  useEffect(() => {
    if (previewKey === '') {
      setPreview({});
      return;
    }
    const ctl = new AbortController();
    setPreview({});
    const t = setTimeout(() => {
      amAlerts({ filter: previewKey.split('\n') }, ctl.signal).then(
        (alerts) => setPreview({ alerts }),
        (err: unknown) => {
          if (!ctl.signal.aborted) setPreview({ error: errorText(err) });
        },
      );
    }, 300);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [previewKey]);

  const startMs = fromLocalInput(start);
  const durMs = parseDuration(duration);
  const endMs =
    mode === 'duration'
      ? startMs !== undefined && durMs !== undefined
        ? startMs + durMs
        : undefined
      : fromLocalInput(end);
  const summary = useMemo(() => {
    if (startMs === undefined || endMs === undefined) return '';
    return `Until ${new Date(endMs).toLocaleString()} (${formatDuration(endMs - startMs)})`;
  }, [startMs, endMs]);

  const setRow = (i: number, patch: Partial<Matcher>) =>
    setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  const submit = async (e: Event) => {
    e.preventDefault();
    const errs: Partial<Record<Field, string>> = {};
    if (problems.some((x) => x !== '')) errs.matchers = 'Fix the matchers marked below.';
    else if (matchesEverything(rows))
      errs.matchers =
        'At least one matcher must not match the empty string (a silence cannot mute everything).';
    if (startMs === undefined) errs.time = 'A start time is needed.';
    else if (mode === 'duration' && durMs === undefined)
      errs.time = 'A duration like 2h, 30m or 1d12h is needed.';
    else if (endMs === undefined) errs.time = 'An end time is needed.';
    else if (endMs <= Math.max(startMs, Date.now()))
      errs.time = 'The end must be after the start and in the future.';
    if (createdBy.trim() === '') errs.createdBy = 'Say who creates the silence.';
    if (comment.trim() === '') errs.comment = 'Say why (a comment is required).';
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    setBusy(true);
    try {
      // A start in the past means "now" (the API refuses none, but it reads better in lists).
      const s = Math.max(startMs!, Date.now());
      const r = await saveSilence({
        ...(ex ? { id: ex.id } : {}),
        matchers: rows.map(toApiMatcher),
        startsAt: new Date(s).toISOString(),
        endsAt: new Date(endMs!).toISOString(),
        createdBy: createdBy.trim(),
        comment: comment.trim(),
      });
      p.onSaved(r.silenceID);
    } catch (err) {
      const msg = errorText(err);
      setErrors({ [silenceFieldOf(msg)]: msg });
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (f: Field) =>
    errors[f] !== undefined ? (
      <span id={`silence-${f}-error`} class="error small" role="alert">
        {errors[f]}
      </span>
    ) : null;

  return (
    <form
      class="card silence-editor alerts-form"
      onSubmit={(e) => void submit(e)}
      aria-label="Silence editor"
    >
      <h2>{ex ? 'Edit silence' : 'New silence'}</h2>
      {ex && <p class="muted small mono">ID {ex.id}</p>}
      <fieldset class="matcher-rows">
        <legend>Matchers</legend>
        {rows.map((r, i) => (
          <div key={i} class="matcher-row" role="group" aria-label={`Matcher ${i + 1}`}>
            <input
              type="text"
              class="mono"
              aria-label={`Matcher ${i + 1} label name`}
              placeholder="label"
              value={r.name}
              aria-invalid={problems[i] !== '' && r.name !== ''}
              onInput={(e) => setRow(i, { name: e.currentTarget.value })}
            />
            <select
              aria-label={`Matcher ${i + 1} operator`}
              value={r.op}
              onChange={(e) => setRow(i, { op: e.currentTarget.value as MatchOp })}
            >
              {MATCH_OPS.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
            <input
              type="text"
              class="mono"
              aria-label={`Matcher ${i + 1} value`}
              placeholder="value"
              value={r.value}
              onInput={(e) => setRow(i, { value: e.currentTarget.value })}
            />
            <button
              type="button"
              class="icon-button"
              aria-label={`Remove matcher ${i + 1}`}
              disabled={rows.length === 1}
              onClick={() => setRows(rows.filter((_, j) => j !== i))}
            >
              ✕
            </button>
            {problems[i] !== '' && (r.name !== '' || r.value !== '') && (
              <span class="error small matcher-problem">{problems[i]}</span>
            )}
          </div>
        ))}
        <div>
          <button type="button" onClick={() => setRows([...rows, EMPTY_ROW])}>
            Add matcher
          </button>
        </div>
        {fieldError('matchers')}
      </fieldset>

      <section class="silence-preview" aria-label="Matcher preview" aria-live="polite">
        {!valid && <p class="muted small">The preview shows once the matchers are complete.</p>}
        {valid && preview.alerts === undefined && preview.error === undefined && (
          <p class="muted small">Looking for the alerts these matchers select…</p>
        )}
        {valid && preview.error !== undefined && (
          <p class="error small">Cannot preview: {preview.error}</p>
        )}
        {valid && preview.alerts !== undefined && (
          <>
            <p class="small">
              {preview.alerts.length === 0
                ? 'No current alert matches: this silence would mute nothing now.'
                : `Would mute ${preview.alerts.length} current alert${preview.alerts.length === 1 ? '' : 's'}:`}
            </p>
            <ul class="preview-list">
              {preview.alerts.slice(0, 50).map((a) => (
                <li key={a.fingerprint} class="mono small">
                  {a.labels.alertname ?? '(no alertname)'}{' '}
                  {Object.entries(a.labels)
                    .filter(([k]) => k !== 'alertname')
                    .map(([k, v]) => `${k}="${v}"`)
                    .join(', ')}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      <div class="row">
        <label class="field">
          <span>Start</span>
          <input
            type="datetime-local"
            value={start}
            onInput={(e) => setStart(e.currentTarget.value)}
          />
        </label>
        <div class="field">
          <span id="silence-mode-label">Ends</span>
          <div class="toolbar" role="radiogroup" aria-labelledby="silence-mode-label">
            <label class="check">
              <input
                type="radio"
                name="silence-mode"
                checked={mode === 'duration'}
                onChange={() => setMode('duration')}
              />
              after
            </label>
            <label class="check">
              <input
                type="radio"
                name="silence-mode"
                checked={mode === 'end'}
                onChange={() => setMode('end')}
              />
              at
            </label>
          </div>
        </div>
        {mode === 'duration' ? (
          <label class="field">
            <span>Duration</span>
            <input
              type="text"
              class="mono"
              value={duration}
              placeholder="2h"
              aria-describedby="silence-time-summary"
              onInput={(e) => setDuration(e.currentTarget.value)}
            />
          </label>
        ) : (
          <label class="field">
            <span>End</span>
            <input
              type="datetime-local"
              value={end}
              onInput={(e) => setEnd(e.currentTarget.value)}
            />
          </label>
        )}
      </div>
      <p id="silence-time-summary" class="muted small">
        {summary}
      </p>
      {fieldError('time')}
      <label class="field">
        <span>Creator</span>
        <input
          type="text"
          value={createdBy}
          aria-invalid={errors.createdBy !== undefined}
          onInput={(e) => setCreatedBy(e.currentTarget.value)}
        />
        {fieldError('createdBy')}
      </label>
      <label class="field">
        <span>Comment</span>
        <textarea
          rows={3}
          value={comment}
          aria-invalid={errors.comment !== undefined}
          onInput={(e) => setComment(e.currentTarget.value)}
        />
        {fieldError('comment')}
      </label>
      {fieldError('general')}
      <div class="toolbar">
        <button type="submit" class="primary" disabled={busy}>
          {ex ? 'Save silence' : 'Create silence'}
        </button>
        <button type="button" onClick={p.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
