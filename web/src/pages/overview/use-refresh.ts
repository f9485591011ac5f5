/**
 * The one refresh loop of the Overview, host and Targets pages: load now, again on each live
 * tick from the server (new samples stored; at most one load per `minGapMs`), and every
 * `interval` as a fallback while the push channel is down. Loads never overlap: a tick during
 * a load runs one more load after it. Hidden tabs skip their turn; showing the tab loads at
 * once. Unmounting aborts. `interval` may depend on the last answer (a page still
 * "collecting…" looks again sooner).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { subscribeLive } from '../../app/live.js';

export const REFRESH_MS = 15_000;

export interface RefreshOptions<T> {
  /** The fallback timer: a period, or one computed from the last answer. */
  interval?: number | ((last: T | undefined) => number);
  /** Follow the server's live ticks (default true). */
  live?: boolean;
  /** At most one tick-driven load per this long (default 1 s, the server's tick rate). */
  minGapMs?: number;
}

export interface Refreshed<T> {
  data: T | undefined;
  error: string | undefined;
  /** When the last successful load finished (ms). */
  at: number | undefined;
}

export function useRefresh<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: unknown[] = [],
  opts: RefreshOptions<T> = {},
): Refreshed<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [at, setAt] = useState<number>();
  const optsRef = useRef(opts);
  optsRef.current = opts;
  useEffect(() => {
    const ctl = new AbortController();
    let running = false;
    let again = false;
    let startedAt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let gapTimer: ReturnType<typeof setTimeout> | undefined;
    let last: T | undefined;
    const wait = () => {
      const i = optsRef.current.interval ?? REFRESH_MS;
      return typeof i === 'function' ? i(last) : i;
    };
    const visible = () => document.visibilityState === 'visible';
    const run = async () => {
      if (ctl.signal.aborted) return;
      if (running) {
        again = true;
        return;
      }
      running = true;
      startedAt = Date.now();
      clearTimeout(timer);
      try {
        const d = await load(ctl.signal);
        if (ctl.signal.aborted) return;
        last = d;
        setData(d);
        setError(undefined);
        setAt(Date.now());
      } catch (err) {
        if (ctl.signal.aborted) return;
        setError(err instanceof Error ? err.message : String(err));
      } finally {
        running = false;
        if (!ctl.signal.aborted) {
          timer = setTimeout(tick, wait());
          if (again) {
            again = false;
            onLive();
          }
        }
      }
    };
    const tick = () => {
      if (visible()) void run();
      else timer = setTimeout(tick, wait());
    };
    // A live tick loads now, or when the minimum gap since the last load has passed.
    const onLive = () => {
      if (!visible() || gapTimer !== undefined) return;
      const due = startedAt + (optsRef.current.minGapMs ?? 1000) - Date.now();
      if (due <= 0) void run();
      else
        gapTimer = setTimeout(() => {
          gapTimer = undefined;
          void run();
        }, due);
    };
    const onVisible = () => {
      if (visible()) void run();
    };
    document.addEventListener('visibilitychange', onVisible);
    const off = optsRef.current.live === false ? () => undefined : subscribeLive(onLive);
    void run();
    return () => {
      ctl.abort();
      off();
      clearTimeout(timer);
      clearTimeout(gapTimer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, deps);
  return { data, error, at };
}
