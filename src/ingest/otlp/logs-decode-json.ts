import { LogInputError } from '../logs-common/index.js';
import {
  newRecord,
  renderAny,
  type OtlpLogRecord,
  type OtlpLogsRequest,
  type OtlpScopeLogs,
} from './logs-types.js';

type Obj = Record<string, unknown>;

const SEVERITY_NAMES = /^SEVERITY_NUMBER_([A-Z]+)(\d?)$/;
const SEVERITY_BASE: Record<string, number> = {
  UNSPECIFIED: 0,
  TRACE: 1,
  DEBUG: 5,
  INFO: 9,
  WARN: 13,
  ERROR: 17,
  FATAL: 21,
};

const fail = (detail: string): never => {
  throw new LogInputError(400, `cannot decode OTLP logs request: ${detail}`);
};

const obj = (v: unknown, path: string): Obj => {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) return fail(`${path} is not an object`);
  return v as Obj;
};
const arr = (v: unknown, path: string): unknown[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return fail(`${path} is not an array`);
  return v;
};
const str = (v: unknown, path: string): string => {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') return fail(`${path} is not a string`);
  return v;
};
/** OTLP/JSON: lowerCamelCase keys; snake_case accepted too (the spec allows receivers to). */
const get = (o: Obj, camel: string, snake: string): unknown => o[camel] ?? o[snake];

function nanos(v: unknown, path: string): bigint {
  if (v === undefined || v === null || v === '') return 0n;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v);
  return fail(`${path}: ${JSON.stringify(v)} is not a uint64 of nanoseconds`);
}

/** OTLP/JSON trace and span ids are hex (not base64, unlike the generic proto3 mapping). */
function hexId(v: unknown, path: string): string {
  const s = str(v, path);
  if (s !== '' && !/^[0-9a-fA-F]+$/.test(s)) fail(`${path}: ${JSON.stringify(s)} is not hex`);
  return s.toLowerCase();
}

function severity(v: unknown, path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  const m = typeof v === 'string' ? SEVERITY_NAMES.exec(v) : null;
  if (m && m[1] in SEVERITY_BASE) return SEVERITY_BASE[m[1]] + (m[2] ? +m[2] - 1 : 0);
  return fail(`${path}: ${JSON.stringify(v)} is not a SeverityNumber`);
}

function anyValue(v: unknown, path: string, depth: number): unknown {
  if (depth > 32) fail(`${path} nested deeper than 32`);
  const o = obj(v, path);
  if ('stringValue' in o || 'string_value' in o)
    return str(get(o, 'stringValue', 'string_value'), `${path}.stringValue`);
  if ('boolValue' in o || 'bool_value' in o) return get(o, 'boolValue', 'bool_value') === true;
  if ('intValue' in o || 'int_value' in o) {
    const n = get(o, 'intValue', 'int_value');
    if (typeof n === 'number' || (typeof n === 'string' && /^-?\d+$/.test(n))) return n;
    return fail(`${path}.intValue: ${JSON.stringify(n)} is not an integer`);
  }
  if ('doubleValue' in o || 'double_value' in o) {
    const n = get(o, 'doubleValue', 'double_value');
    if (typeof n === 'number') return n;
    if (n === 'NaN' || n === 'Infinity' || n === '-Infinity') return n;
    return fail(`${path}.doubleValue: ${JSON.stringify(n)} is not a number`);
  }
  if ('arrayValue' in o || 'array_value' in o) {
    const a = obj(get(o, 'arrayValue', 'array_value'), `${path}.arrayValue`);
    return arr(a.values, `${path}.arrayValue.values`).map((x, i) =>
      anyValue(x, `${path}.arrayValue.values[${i}]`, depth + 1),
    );
  }
  if ('kvlistValue' in o || 'kvlist_value' in o) {
    const kv = obj(get(o, 'kvlistValue', 'kvlist_value'), `${path}.kvlistValue`);
    const out = Object.create(null) as Record<string, unknown>; // "__proto__" stays data
    arr(kv.values, `${path}.kvlistValue.values`).forEach((x, i) => {
      const p = `${path}.kvlistValue.values[${i}]`;
      const e = obj(x, p);
      out[str(e.key, `${p}.key`)] = anyValue(e.value, `${p}.value`, depth + 1);
    });
    return out;
  }
  if ('bytesValue' in o || 'bytes_value' in o)
    return str(get(o, 'bytesValue', 'bytes_value'), `${path}.bytesValue`);
  return null;
}

function attributes(v: unknown, path: string): [string, string][] {
  return arr(v, path).map((x, i) => {
    const p = `${path}[${i}]`;
    const e = obj(x, p);
    return [str(e.key, `${p}.key`), renderAny(anyValue(e.value, `${p}.value`, 0))];
  });
}

/**
 * Decodes an OTLP/JSON ExportLogsServiceRequest (invalid UTF-8 already replaced by the caller's
 * decoding): lowerCamelCase keys (snake_case accepted), 64-bit integers as strings or numbers,
 * severity as a number or enum name, trace/span ids hex. Type errors are 400s naming the JSON path.
 */
export function decodeLogsJson(text: string): OtlpLogsRequest {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (err) {
    throw new LogInputError(
      400,
      `cannot decode OTLP logs request: invalid JSON: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const req: OtlpLogsRequest = { resourceLogs: [], records: 0 };
  const top = obj(root, '$');
  arr(get(top, 'resourceLogs', 'resource_logs'), '$.resourceLogs').forEach((rv, i) => {
    const path = `$.resourceLogs[${i}]`;
    const rl = obj(rv, path);
    const res = obj(rl.resource, `${path}.resource`);
    const scopes: OtlpScopeLogs[] = [];
    arr(get(rl, 'scopeLogs', 'scope_logs'), `${path}.scopeLogs`).forEach((sv, j) => {
      const sp = `${path}.scopeLogs[${j}]`;
      const sl = obj(sv, sp);
      const scope = obj(sl.scope, `${sp}.scope`);
      const records: OtlpLogRecord[] = [];
      arr(get(sl, 'logRecords', 'log_records'), `${sp}.logRecords`).forEach((lv, k) => {
        const lp = `${sp}.logRecords[${k}]`;
        const l = obj(lv, lp);
        const rec = newRecord();
        rec.time = nanos(get(l, 'timeUnixNano', 'time_unix_nano'), `${lp}.timeUnixNano`);
        rec.observed = nanos(
          get(l, 'observedTimeUnixNano', 'observed_time_unix_nano'),
          `${lp}.observedTimeUnixNano`,
        );
        rec.severityNumber = severity(
          get(l, 'severityNumber', 'severity_number'),
          `${lp}.severityNumber`,
        );
        rec.severityText = str(get(l, 'severityText', 'severity_text'), `${lp}.severityText`);
        rec.body = l.body === undefined ? '' : renderAny(anyValue(l.body, `${lp}.body`, 0));
        rec.attributes = attributes(l.attributes, `${lp}.attributes`);
        rec.traceId = hexId(get(l, 'traceId', 'trace_id'), `${lp}.traceId`);
        rec.spanId = hexId(get(l, 'spanId', 'span_id'), `${lp}.spanId`);
        rec.eventName = str(get(l, 'eventName', 'event_name'), `${lp}.eventName`);
        records.push(rec);
        req.records++;
      });
      scopes.push({
        name: str(scope.name, `${sp}.scope.name`),
        version: str(scope.version, `${sp}.scope.version`),
        attributes: attributes(scope.attributes, `${sp}.scope.attributes`),
        records,
      });
    });
    req.resourceLogs.push({
      resource: attributes(res.attributes, `${path}.resource.attributes`),
      scopes,
    });
  });
  return req;
}
