/**
 * The time-range picker: a button that shows the range and opens a panel with quick picks
 * (last 5m … 7d), From/To fields (relative `now-1h` or absolute, with datetime inputs) and the
 * timezone. Controlled: `value` in, `onChange(range)` out (on a quick pick or Apply).
 *
 *   <TimeRangePicker value={range} onChange={setRange} />
 *   <StepInput value={range.step} onChange={(step) => setRange({ ...range, step })} auto={15} />
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  describeRange,
  formatDuration,
  fromInputValue,
  isRelative,
  parseDuration,
  QUICK_RANGES,
  quickRange,
  rangeError,
  resolveTime,
  toInputValue,
  type StepSpec,
  type TimeRange,
  type Zone,
} from '../../lib/time-range.js';
import './time.css';

export interface TimeRangePickerProps {
  value: TimeRange;
  onChange: (range: TimeRange) => void;
}

export function TimeRangePicker({ value, onChange }: TimeRangePickerProps) {
  const [open, setOpen] = useState(false);
  const [from, setFrom] = useState(value.from);
  const [to, setTo] = useState(value.to);
  const [tz, setTz] = useState<Zone>(value.tz);
  const root = useRef<HTMLDivElement>(null);

  // The panel edits a copy; opening it starts from the current range.
  useEffect(() => {
    if (!open) return;
    setFrom(value.from);
    setTo(value.to);
    setTz(value.tz);
    const away = (e: Event) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('pointerdown', away);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('pointerdown', away);
      document.removeEventListener('keydown', esc);
    };
  }, [open]);

  const now = Date.now();
  const draft: TimeRange = { ...value, from: from.trim(), to: to.trim(), tz };
  const error = rangeError(draft, now);
  const apply = (e: Event) => {
    e.preventDefault();
    if (error) return;
    onChange(draft);
    setOpen(false);
  };
  const absInput = (spec: string, set: (s: string) => void, name: string) => {
    const t = resolveTime(spec, now);
    return (
      <input
        type="datetime-local"
        step="1"
        aria-label={`${name} (date and time, ${tz === 'utc' ? 'UTC' : 'local time'})`}
        value={t === undefined ? '' : toInputValue(t, tz)}
        onChange={(e) => {
          const iso = fromInputValue((e.target as HTMLInputElement).value, tz);
          if (iso) set(iso);
        }}
      />
    );
  };

  return (
    <div class="time-picker" ref={root}>
      <button
        type="button"
        aria-haspopup="dialog"
        aria-expanded={open ? 'true' : 'false'}
        title="Time range"
        onClick={() => setOpen(!open)}
      >
        {describeRange(value, now)}
        {/* Absolute times already say UTC. */}
        {value.tz === 'utc' && isRelative(value.from) ? ' UTC' : ''}
      </button>
      {open && (
        <form class="time-picker-panel" role="dialog" aria-label="Time range" onSubmit={apply}>
          <div class="time-quick" role="group" aria-label="Quick ranges">
            {QUICK_RANGES.map((span) => (
              <button
                type="button"
                key={span}
                aria-pressed={value.from === `now-${span}` && value.to === 'now' ? 'true' : 'false'}
                onClick={() => {
                  onChange({ ...quickRange(value, span), tz });
                  setOpen(false);
                }}
              >
                Last {span}
              </button>
            ))}
          </div>
          <label>
            From
            <input
              value={from}
              aria-label="From (now-1h, or a date and time)"
              spellcheck={false}
              onInput={(e) => setFrom((e.target as HTMLInputElement).value)}
            />
          </label>
          {absInput(from, setFrom, 'From')}
          <label>
            To
            <input
              value={to}
              aria-label="To (now, or a date and time)"
              spellcheck={false}
              onInput={(e) => setTo((e.target as HTMLInputElement).value)}
            />
          </label>
          {absInput(to, setTo, 'To')}
          <label>
            Timezone
            <select
              value={tz}
              onChange={(e) => setTz((e.target as HTMLSelectElement).value as Zone)}
            >
              <option value="local">Browser time</option>
              <option value="utc">UTC</option>
            </select>
          </label>
          <p class="muted small">
            Relative: <code>now</code>, <code>now-1h</code>, <code>now-7d</code>. Absolute: ISO 8601
            or the date fields.
            {!isRelative(from) || !isRelative(to) ? ' The range is fixed (no live updates).' : ''}
          </p>
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          <div class="toolbar">
            <button type="submit" class="primary" disabled={error !== undefined}>
              Apply
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

export interface StepInputProps {
  value: StepSpec;
  onChange: (step: StepSpec) => void;
  /** The step "auto" currently means (shown as the placeholder). */
  auto?: number;
}

/** The query step: empty or `auto` for automatic, or a duration (`30s`, `1m`). */
export function StepInput({ value, onChange, auto }: StepInputProps) {
  const [text, setText] = useState(value === 'auto' ? '' : formatDuration(value));
  useEffect(() => setText(value === 'auto' ? '' : formatDuration(value)), [value]);
  const parsed = text.trim() === '' || text.trim() === 'auto' ? 'auto' : parseDuration(text);
  const commit = () => {
    if (parsed !== undefined && parsed !== 0 && parsed !== value) onChange(parsed);
  };
  return (
    <label class="step-input">
      Step
      <input
        value={text}
        size={6}
        spellcheck={false}
        placeholder={auto === undefined ? 'auto' : `auto (${formatDuration(auto)})`}
        aria-invalid={parsed === undefined || parsed === 0 ? 'true' : 'false'}
        title="auto, or a duration such as 30s, 1m, 5m"
        onInput={(e) => setText((e.target as HTMLInputElement).value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
    </label>
  );
}
