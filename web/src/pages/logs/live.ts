/**
 * Live tail: a WebSocket on /loki/api/v1/tail for the query (the session cookie authenticates
 * it). New lines go newest first into a capped list; while paused they wait in a buffer.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { tailUrl, type TailMessage } from '../../api/logs.js';
import { appendLive, flattenStreams, secToNs, type LogLine } from '../../lib/logs-lines.js';

/** Lines kept on the page in live mode (the oldest drop off). */
export const LIVE_CAP = 1000;

export interface LiveTail {
  lines: LogLine[];
  status: 'connecting' | 'open' | 'closed';
  error?: string;
  paused: boolean;
  /** Lines waiting while paused. */
  waiting: number;
  /** Dropped by the server (slow reader) and by the cap. */
  droppedServer: number;
  droppedCap: number;
  setPaused: (p: boolean) => void;
}

export function useLiveTail(
  query: string,
  enabled: boolean,
  initial: readonly LogLine[],
): LiveTail {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [status, setStatus] = useState<LiveTail['status']>('closed');
  const [error, setError] = useState<string>();
  const [paused, setPausedState] = useState(false);
  const [waiting, setWaiting] = useState(0);
  const [droppedServer, setDroppedServer] = useState(0);
  const [droppedCap, setDroppedCap] = useState(0);
  const buffer = useRef<LogLine[]>([]);
  const pausedRef = useRef(false);

  const push = (incoming: LogLine[]) => {
    setLines((cur) => {
      const r = appendLive(cur, incoming, LIVE_CAP);
      if (r.dropped > 0) setDroppedCap((d) => d + r.dropped);
      return r.lines;
    });
  };

  useEffect(() => {
    if (!enabled || query.trim() === '') {
      setStatus('closed');
      return;
    }
    setLines(appendLive([], initial, LIVE_CAP).lines);
    setError(undefined);
    setDroppedServer(0);
    setDroppedCap(0);
    buffer.current = [];
    setWaiting(0);
    setStatus('connecting');
    const ws = new WebSocket(tailUrl(query, secToNs(Date.now() / 1000), 100));
    let closedByUs = false;
    ws.onopen = () => setStatus('open');
    ws.onmessage = (e: MessageEvent) => {
      let msg: TailMessage;
      try {
        msg = JSON.parse(String(e.data)) as TailMessage;
      } catch {
        return;
      }
      if (msg.dropped_entries && msg.dropped_entries.length > 0) {
        const n = msg.dropped_entries.length;
        setDroppedServer((d) => d + n);
      }
      const incoming = flattenStreams(msg.streams ?? [], 'backward');
      if (incoming.length === 0) return;
      if (pausedRef.current) {
        buffer.current = appendLive(buffer.current, incoming, LIVE_CAP).lines;
        setWaiting(buffer.current.length);
      } else push(incoming);
    };
    ws.onclose = (e: CloseEvent) => {
      setStatus('closed');
      if (!closedByUs)
        setError(e.reason ? `Live tail closed: ${e.reason}` : `Live tail closed (code ${e.code}).`);
    };
    return () => {
      closedByUs = true;
      ws.close();
    };
  }, [query, enabled]);

  // Lines of the range query that answer after the tail opened join the live list.
  useEffect(() => {
    if (enabled && initial.length > 0) push([...initial]);
  }, [initial]);

  const setPaused = (p: boolean) => {
    pausedRef.current = p;
    setPausedState(p);
    if (!p && buffer.current.length > 0) {
      push(buffer.current);
      buffer.current = [];
      setWaiting(0);
    }
  };

  return { lines, status, error, paused, waiting, droppedServer, droppedCap, setPaused };
}
