import type { Labels } from '../model/index.js';
import { isWellFormed, type TenantId } from '../model/index.js';
import { BatchTooLargeError, InvalidSeriesError, LimitExceededError } from '../storage/index.js';

/** Per-tenant limits of the log store (the server maps `limits.*` of argus.yml onto these). */
export interface LogLimits {
  /** Longer lines are stored truncated at a UTF-8 boundary, ending in TRUNCATION_MARKER. */
  maxLineBytes: number;
  /** Active (head) streams per tenant; 0 = unlimited. */
  maxStreams: number;
  maxLabelNames: number;
  maxLabelValueBytes: number;
  /** Line bytes per second (token bucket); 0 = unlimited. */
  rateBytes: number;
  /** Bucket size; 0 = twice rateBytes. */
  burstBytes: number;
}

export function defaultLogLimits(): LogLimits {
  return {
    maxLineBytes: 256 * 1024,
    maxStreams: 10_000,
    maxLabelNames: 15,
    maxLabelValueBytes: 2048,
    rateBytes: 0,
    burstBytes: 0,
  };
}

/** Appended to a truncated line (after its first bytes), so readers see the line was cut. */
export const TRUNCATION_MARKER = '…[truncated]';
const MARKER_BYTES = Buffer.byteLength(TRUNCATION_MARKER);

/**
 * `line` cut to at most `maxBytes` UTF-8 bytes including the marker, at a character boundary;
 * `line` itself when it fits. Callers check the length first (this allocates).
 */
export function truncateLine(line: string, maxBytes: number): string {
  const buf = Buffer.from(line, 'utf8');
  if (buf.length <= maxBytes) return line;
  let k = Math.max(0, maxBytes - MARKER_BYTES);
  // Back off continuation bytes (10xxxxxx) so no character is split.
  while (k > 0 && (buf[k] & 0xc0) === 0x80) k--;
  return buf.toString('utf8', 0, k) + TRUNCATION_MARKER;
}

const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Checks a stream's label set (Loki's rules: legacy label names, at least one label). */
export function checkStreamLabels(labels: Labels, limits: LogLimits): void {
  const stream = labels.toString();
  if (labels.size === 0) throw new InvalidSeriesError('cannot append log stream: no labels ({})');
  if (labels.size > limits.maxLabelNames) {
    throw new InvalidSeriesError(
      `cannot append log stream ${stream}: ${labels.size} labels, more than the limit of ${limits.maxLabelNames} (limits.max_log_labels)`,
    );
  }
  for (let i = 0; i < labels.size; i++) {
    const n = labels.name(i);
    const v = labels.value(i);
    if (!LABEL_NAME_RE.test(n)) {
      throw new InvalidSeriesError(
        `cannot append log stream ${stream}: invalid label name ${JSON.stringify(n)}, want [a-zA-Z_][a-zA-Z0-9_]*`,
      );
    }
    // `__name__`, `__error__`… are Argus's and LogQL's own: a stream carrying one would be
    // ambiguous in queries (a pipeline's `__error__`) and in metrics made from it.
    if (n.startsWith('__')) {
      throw new InvalidSeriesError(
        `cannot append log stream ${stream}: label name ${JSON.stringify(n)} is reserved (names starting with "__" are internal)`,
      );
    }
    if (!isWellFormed(v)) {
      throw new InvalidSeriesError(
        `cannot append log stream ${stream}: value of label "${n}" is not valid UTF-8`,
      );
    }
    const bytes = v.length * 3 <= limits.maxLabelValueBytes ? 0 : Buffer.byteLength(v);
    if (bytes > limits.maxLabelValueBytes) {
      throw new InvalidSeriesError(
        `cannot append log stream ${stream}: value of label "${n}" is ${bytes} bytes, more than the limit of ${limits.maxLabelValueBytes}`,
      );
    }
  }
}

export function streamLimitError(
  tenant: TenantId,
  streams: number,
  max: number,
): LimitExceededError {
  return new LimitExceededError(
    `cannot create log stream for tenant "${tenant}": it has ${streams} active streams, the limit is ${max} (limits.max_log_streams)`,
  );
}

/** A token bucket over line bytes (one per tenant). */
export class RateBucket {
  private tokens = -1;
  private last = 0;

  /** Takes `bytes` if the bucket holds them (refilled to `now`); otherwise throws, taking none. */
  take(tenant: TenantId, bytes: number, limits: LogLimits, nowMs: number): void {
    const rate = limits.rateBytes;
    if (rate <= 0) return;
    const burst = limits.burstBytes > 0 ? limits.burstBytes : 2 * rate;
    if (this.tokens < 0) this.tokens = burst;
    else this.tokens = Math.min(burst, this.tokens + ((nowMs - this.last) / 1000) * rate);
    this.last = nowMs;
    if (bytes > burst) {
      // Never admissible whole: a 429 would make the sender retry it forever.
      throw new BatchTooLargeError(
        `cannot ingest logs for tenant "${tenant}": a batch of ${bytes} line bytes is larger than the ingestion burst of ${burst} bytes (limits.log_ingestion_burst); send smaller batches`,
      );
    }
    if (bytes > this.tokens) {
      throw new LimitExceededError(
        `cannot ingest logs for tenant "${tenant}": ${bytes} line bytes exceed the ingestion rate of ${rate} bytes/s (burst ${burst}, ${Math.floor(this.tokens)} available now) (limits.log_ingestion_rate)`,
        { retryAfterMs: Math.ceil(((bytes - this.tokens) * 1000) / rate) },
      );
    }
    this.tokens -= bytes;
  }
}
