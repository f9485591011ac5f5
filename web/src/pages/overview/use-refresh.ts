/**
 * The one refresh loop of the Overview, host and Targets pages: load now, then every
 * REFRESH_MS while the tab is visible (the live channel replaces this timer later, here only).
 * A load still running when the next is due is not doubled; unmounting aborts it. `interval`
 * may depend on the last answer (a page still "collecting…" looks again sooner).
 */
import { useEffect, useRef, useState } from 'preact/hooks';

export const REFRESH_MS = 15_000;

export interface Refreshed<T> {
  data: T | undefined;
  error: string | undefined;
  /** When the last successful load finished (ms). */
  at: number | undefined;
  /** Loads again now (after the user changed something). */
  reload: () => void;
}

export function useRefresh<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: unknown[] = [],
  interval: number | ((last: T | undefined) => number) = REFRESH_MS,
): Refreshed<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [at, setAt] = useState<number>();
  const trigger = useRef<() => void>(() => undefined);
  useEffect(() => {
    const ctl = new AbortController();
    let running = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last: T | undefined;
    const wait = () => (typeof interval === 'function' ? interval(last) : interval);
    const run = async () => {
      if (running || ctl.signal.aborted) return;
      running = true;
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
        if (!ctl.signal.aborted) timer = setTimeout(tick, wait());
      }
    };
    // Hidden tabs skip their turn; showing the tab again loads at once.
    const tick = () => {
      if (document.visibilityState === 'visible') void run();
      else timer = setTimeout(tick, wait());
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible') void run();
    };
    trigger.current = () => void run();
    document.addEventListener('visibilitychange', onVisible);
    void run();
    return () => {
      ctl.abort();
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, deps);
  return { data, error, at, reload: () => trigger.current() };
}
