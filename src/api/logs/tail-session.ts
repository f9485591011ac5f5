import type { LogStreamResult } from '../../logql/index.js';
import type { LogTime } from '../../storage/index.js';
import { streamsJson } from './query-format.js';

/**
 * The part of a `ws` WebSocket a tail uses (typed here: `ws` ships no types and Argus does not
 * add @types/ws for five members).
 */
export interface TailSocket {
  readonly readyState: number;
  /** Bytes queued in the socket and not yet sent (the backpressure signal). */
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  ping(): void;
  /** Ends the connection without the close handshake. */
  terminate(): void;
  on(event: 'close', fn: () => void): void;
}

/** ws's readyState OPEN. */
const OPEN = 1;
/** A slow client's queue limit: beyond it, entries are dropped and reported, never buffered. */
export const MAX_BUFFERED_BYTES = 1 << 20;
/** Dropped entries named per frame (the count goes on; Loki's list is a sample too). */
const MAX_DROPPED_LISTED = 100;

/** Loki's `dropped_entries` item. */
interface Dropped {
  labels: Record<string, string>;
  timestamp: string;
}

/** A close reason fits a control frame: at most 123 bytes of UTF-8. */
export function closeReason(s: string): string {
  if (Buffer.byteLength(s) <= 123) return s;
  let out = s.slice(0, 120);
  while (Buffer.byteLength(out) > 119) out = out.slice(0, -1);
  return `${out}…`;
}

/**
 * One live tail's sending side: frames Loki's `{streams, dropped_entries}`, holds live entries
 * `delayMs` (Loki's `delay_for`, so late entries of other streams arrive in order), and drops
 * (counting and listing them) whatever a slow client cannot take instead of buffering it.
 */
export class TailSession {
  /** Entries dropped for backpressure since the tail began. */
  droppedTotal = 0;
  private dropped: Dropped[] = [];
  private held: LogStreamResult[] = [];
  private heldEntries = 0;
  private timer: NodeJS.Timeout | undefined;
  private replaying = true;
  private stopped = false;
  private replayEnd: LogTime = 0n;
  private readonly duringReplay: LogStreamResult[] = [];
  private duringReplayEntries = 0;

  constructor(
    private readonly socket: TailSocket,
    private readonly delayMs: number,
    /** At most this many entries wait in the delay buffer, or during the replay (more are dropped). */
    private readonly maxHeld: number,
  ) {}

  /** Sends the replayed history (forward order), then whatever arrived live meanwhile. */
  replayed(streams: LogStreamResult[], end: LogTime): void {
    this.replayEnd = end;
    this.replaying = false;
    if (streams.some((s) => s.entries.length > 0)) this.send(streams);
    for (const s of this.duringReplay) {
      // The replay covered [start, end): what arrived meanwhile before `end` was in it.
      const entries = s.entries.filter((e) => e.ts >= this.replayEnd);
      if (entries.length > 0) this.live([{ labels: s.labels, entries }]);
    }
    this.duringReplay.length = 0;
    this.duringReplayEntries = 0;
  }

  /** New entries from the engine's tail (synchronous; never throws). */
  live(streams: LogStreamResult[]): void {
    if (this.stopped) return;
    if (this.replaying) {
      // The replay may wait for a query slot: what arrives meanwhile is capped like the delay.
      for (const st of streams) {
        if (this.duringReplayEntries + st.entries.length > this.maxHeld) this.drop(st);
        else {
          this.duringReplay.push(st);
          this.duringReplayEntries += st.entries.length;
        }
      }
      return;
    }
    if (this.delayMs <= 0) {
      this.send(streams);
      return;
    }
    for (const s of streams) {
      if (this.heldEntries + s.entries.length > this.maxHeld) {
        this.drop(s);
        continue;
      }
      this.held.push({ labels: s.labels, entries: [...s.entries] });
      this.heldEntries += s.entries.length;
    }
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  private flush(): void {
    this.timer = undefined;
    const held = this.held;
    this.held = [];
    this.heldEntries = 0;
    // One stream per label set, its entries in time order: what the delay is for.
    const byStream = new Map<string, LogStreamResult>();
    for (const s of held) {
      const key = JSON.stringify(s.labels.toObject());
      const got = byStream.get(key);
      if (got === undefined) byStream.set(key, s);
      else got.entries.push(...s.entries);
    }
    const streams = [...byStream.values()];
    for (const s of streams) s.entries.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
    if (streams.length > 0) this.send(streams);
  }

  private drop(s: LogStreamResult): void {
    this.droppedTotal += s.entries.length;
    const labels = s.labels.toObject();
    for (const e of s.entries) {
      if (this.dropped.length >= MAX_DROPPED_LISTED) break;
      this.dropped.push({ labels, timestamp: String(e.ts) });
    }
  }

  private send(streams: LogStreamResult[]): void {
    if (this.socket.readyState !== OPEN) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      for (const s of streams) this.drop(s);
      return;
    }
    const dropped = JSON.stringify(this.dropped);
    this.dropped = [];
    this.socket.send(`{"streams":${streamsJson(streams)},"dropped_entries":${dropped}}`);
  }

  /** Stops timers (the socket closed). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.held = [];
  }
}
