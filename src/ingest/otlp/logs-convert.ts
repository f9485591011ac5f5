import type { LogEntry } from '../../storage/index.js';
import {
  LogBatchBuilder,
  levelOfSeverityNumber,
  normalizeLevel,
  nowNs,
  sanitizeLabelName,
  uniqueFields,
  type LogBatch,
} from '../logs-common/index.js';
import type { OtlpLogsRequest } from './logs-types.js';

/**
 * The resource attributes that become stream labels (Loki's default OTLP config: its
 * `default_resource_attributes_as_index_labels`), named with `.`/`-` as `_`. Every other
 * attribute is a field (structured metadata) of each record.
 */
export const OTLP_LOG_STREAM_ATTRIBUTES: readonly string[] = [
  'service.name',
  'service.namespace',
  'service.instance.id',
  'deployment.environment',
  'deployment.environment.name',
  'cloud.region',
  'cloud.availability_zone',
  'k8s.cluster.name',
  'k8s.namespace.name',
  'k8s.pod.name',
  'k8s.container.name',
  'container.name',
  'k8s.replicaset.name',
  'k8s.deployment.name',
  'k8s.statefulset.name',
  'k8s.daemonset.name',
  'k8s.cronjob.name',
  'k8s.job.name',
];

const STREAM_SET = new Set(OTLP_LOG_STREAM_ATTRIBUTES);

/**
 * An OTLP logs request as per-stream log entries (Loki's OTLP mapping):
 * - stream labels: the resource attributes of `OTLP_LOG_STREAM_ATTRIBUTES`, sanitised
 *   (`service.name` → `service_name`; `unknown_service` when absent);
 * - fields: the other resource attributes, `scope_name`, `scope_version`, scope attributes,
 *   log attributes (later ones win on a name clash), `trace_id`, `span_id` (hex), `event_name`,
 *   `severity_text`, and `level` (trace…fatal) from severity_number, else from severity_text;
 * - timestamp: time_unix_nano, else observed_time_unix_nano, else the time of arrival;
 * - line: the body (non-strings rendered: numbers decimal, maps and arrays as JSON).
 */
export function otlpLogsToBatch(req: OtlpLogsRequest, fromJson = false): LogBatch {
  const b = new LogBatchBuilder(fromJson);
  let now: bigint | undefined;
  for (const [ri, rl] of req.resourceLogs.entries()) {
    const labels: [string, string][] = [];
    const resFields: [string, string][] = [];
    for (const [k, v] of rl.resource) {
      if (v === '') continue;
      if (STREAM_SET.has(k)) labels.push([sanitizeLabelName(k), v]);
      else resFields.push([sanitizeLabelName(k), v]);
    }
    if (!labels.some((l) => l[0] === 'service_name'))
      labels.push(['service_name', 'unknown_service']);
    const stream = b.stream(uniqueFields(labels) ?? labels, `resourceLogs[${ri}]`);
    for (const sl of rl.scopes) {
      const scopeFields = [...resFields];
      if (sl.name !== '') scopeFields.push(['scope_name', sl.name]);
      if (sl.version !== '') scopeFields.push(['scope_version', sl.version]);
      for (const [k, v] of sl.attributes) if (v !== '') scopeFields.push([sanitizeLabelName(k), v]);
      for (const rec of sl.records) {
        const fields = [...scopeFields];
        for (const [k, v] of rec.attributes) if (v !== '') fields.push([sanitizeLabelName(k), v]);
        if (rec.traceId !== '') fields.push(['trace_id', rec.traceId]);
        if (rec.spanId !== '') fields.push(['span_id', rec.spanId]);
        if (rec.eventName !== '') fields.push(['event_name', rec.eventName]);
        if (rec.severityText !== '') fields.push(['severity_text', rec.severityText]);
        const level =
          levelOfSeverityNumber(rec.severityNumber) ??
          (rec.severityText !== '' ? normalizeLevel(rec.severityText) : undefined);
        if (level !== undefined) fields.push(['level', level]);
        const ts =
          rec.time !== 0n ? rec.time : rec.observed !== 0n ? rec.observed : (now ??= nowNs());
        const uf = uniqueFields(fields);
        const e: LogEntry = uf ? { ts, line: rec.body, fields: uf } : { ts, line: rec.body };
        b.add(stream, e);
      }
    }
  }
  return b.build();
}
