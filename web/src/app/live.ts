/**
 * The UI's server push channel: one EventSource per tab on `/api/argus/v1/live`, shared by every
 * live panel. The server sends a tick at most once a second while new samples are stored; live
 * views re-query (extending their range to now) on a tick instead of each running its own timer,
 * so a dashboard of 12 panels makes one round of queries per tick, not 12 timers' worth.
 */
import { useEffect, useState } from 'preact/hooks';

export interface LiveTick {
  /** Server time of the tick (ms). */
  now: number;
  samples: number;
}

type Listener = (t: LiveTick) => void;

const listeners = new Set<Listener>();
let source: EventSource | null = null;
let connected = false;
const stateListeners = new Set<(connected: boolean) => void>();

function setConnected(c: boolean): void {
  connected = c;
  for (const fn of stateListeners) fn(c);
}

function open(): void {
  if (source !== null) return;
  source = new EventSource('/api/argus/v1/live', { withCredentials: true });
  source.addEventListener('hello', () => setConnected(true));
  source.addEventListener('tick', (e) => {
    const t = JSON.parse((e as MessageEvent<string>).data) as LiveTick;
    for (const fn of listeners) fn(t);
  });
  // EventSource reconnects by itself (the server sends `retry: 3000`).
  source.addEventListener('error', () => setConnected(false));
}

function closeIfUnused(): void {
  if (listeners.size > 0 || source === null) return;
  source.close();
  source = null;
  setConnected(false);
}

/** Calls `fn` on every tick while subscribed; returns the unsubscribe function. */
export function subscribeLive(fn: Listener): () => void {
  listeners.add(fn);
  open();
  return () => {
    listeners.delete(fn);
    closeIfUnused();
  };
}

/**
 * A counter that increases on each server tick while `enabled` (a live view's dependency: re-run
 * the queries when it changes), and whether the channel is connected.
 */
export function useLiveTick(enabled: boolean): { tick: number; connected: boolean } {
  const [tick, setTick] = useState(0);
  const [isConnected, setIsConnected] = useState(connected);
  useEffect(() => {
    if (!enabled) return;
    stateListeners.add(setIsConnected);
    const off = subscribeLive(() => setTick((n) => n + 1));
    return () => {
      stateListeners.delete(setIsConnected);
      off();
    };
  }, [enabled]);
  return { tick, connected: isConnected };
}
