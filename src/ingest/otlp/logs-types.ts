/** A decoded OTLP log record; attribute values already rendered as strings. */
export interface OtlpLogRecord {
  /** time_unix_nano (0n: unset). */
  time: bigint;
  /** observed_time_unix_nano (0n: unset). */
  observed: bigint;
  severityNumber: number;
  severityText: string;
  /** The body: a string as is, other AnyValues rendered (numbers decimal, maps/arrays JSON). */
  body: string;
  attributes: [string, string][];
  /** Lowercase hex; '' when absent. */
  traceId: string;
  spanId: string;
  eventName: string;
}

export interface OtlpScopeLogs {
  name: string;
  version: string;
  attributes: [string, string][];
  records: OtlpLogRecord[];
}

export interface OtlpResourceLogs {
  resource: [string, string][];
  scopes: OtlpScopeLogs[];
}

/** A decoded ExportLogsServiceRequest. */
export interface OtlpLogsRequest {
  resourceLogs: OtlpResourceLogs[];
  records: number;
}

export const newRecord = (): OtlpLogRecord => ({
  time: 0n,
  observed: 0n,
  severityNumber: 0,
  severityText: '',
  body: '',
  attributes: [],
  traceId: '',
  spanId: '',
  eventName: '',
});

/** An attribute value as a field value: strings as they are, numbers/booleans decimal, the rest JSON. */
export function renderAny(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return v === null || v === undefined ? '' : JSON.stringify(v);
}
