import { WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from '../../util/index.js';
import { LogProtoReader } from '../logs-common/index.js';
import {
  newRecord,
  renderAny,
  type OtlpLogRecord,
  type OtlpLogsRequest,
  type OtlpResourceLogs,
  type OtlpScopeLogs,
} from './logs-types.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MAX_DEPTH = 32;

/** OTLP's cursor: the shared log reader plus fixed64 as a bigint (timestamps). */
class LogsReader extends LogProtoReader {
  constructor(buf: Uint8Array) {
    super(buf, 'OTLP logs request');
  }
  fixed64Big(end: number): bigint {
    if (this.pos + 8 > end) this.fail('truncated fixed64');
    const v = this.dv.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }
}

/**
 * Decodes a binary ExportLogsServiceRequest by walking its bytes. Unknown fields are skipped;
 * known fields with the wrong wire type and truncations are 400s; invalid UTF-8 is replaced.
 */
export function decodeLogsProto(buf: Uint8Array): OtlpLogsRequest {
  const r = new LogsReader(buf);
  const req: OtlpLogsRequest = { resourceLogs: [], records: 0 };
  /** Calls `field` for each field up to `end`; unhandled fields (false) are skipped. */
  const each = (end: number, field: (f: number, w: number) => boolean): void => {
    while (r.pos < end) {
      const [f, w] = r.tag(end);
      if (!field(f, w)) r.skip(w, end);
    }
  };
  const sub = <T>(end: number, name: string, w: number, fn: (e: number) => T): T => {
    r.expect(name, w, WIRE_LEN);
    const e = r.lenEnd(end);
    const v = fn(e);
    r.pos = e;
    return v;
  };
  const str = (end: number, name: string, w: number): string => {
    r.expect(name, w, WIRE_LEN);
    return r.text(end);
  };

  const anyJson = (end: number, depth: number): unknown => {
    if (depth > MAX_DEPTH) r.fail(`AnyValue nested deeper than ${MAX_DEPTH}`);
    let v: unknown = null;
    each(end, (f, w) => {
      switch (f) {
        case 1:
          v = str(end, 'AnyValue.string_value', w);
          return true;
        case 2:
          r.expect('AnyValue.bool_value', w, WIRE_VARINT);
          v = r.varint(end) !== 0;
          return true;
        case 3: {
          r.expect('AnyValue.int_value', w, WIRE_VARINT);
          const n = r.int64Big(end);
          v = n >= -MAX_SAFE && n <= MAX_SAFE ? Number(n) : n.toString();
          return true;
        }
        case 4:
          r.expect('AnyValue.double_value', w, WIRE_I64);
          v = r.double(end);
          return true;
        case 5: {
          const list: unknown[] = [];
          sub(end, 'AnyValue.array_value', w, (e) =>
            each(e, (g, w2) => {
              if (g !== 1) return false;
              list.push(sub(e, 'ArrayValue.values', w2, (ve) => anyJson(ve, depth + 1)));
              return true;
            }),
          );
          v = list;
          return true;
        }
        case 6: {
          const obj = Object.create(null) as Record<string, unknown>; // "__proto__" stays data
          sub(end, 'AnyValue.kvlist_value', w, (e) =>
            each(e, (g, w2) => {
              if (g !== 1) return false;
              const [k, val] = sub(e, 'KeyValueList.values', w2, (ke) => keyValue(ke, depth + 1));
              obj[k] = val;
              return true;
            }),
          );
          v = obj;
          return true;
        }
        case 7:
          r.expect('AnyValue.bytes_value', w, WIRE_LEN);
          v = Buffer.from(r.bytes(end)).toString('base64');
          return true;
        default:
          return false;
      }
    });
    return v;
  };
  const keyValue = (end: number, depth: number): [string, unknown] => {
    let key = '';
    let value: unknown = null;
    each(end, (f, w) => {
      if (f === 1) key = str(end, 'KeyValue.key', w);
      else if (f === 2) value = sub(end, 'KeyValue.value', w, (e) => anyJson(e, depth));
      else return false;
      return true;
    });
    return [key, value];
  };
  const attr = (end: number, w: number, out: [string, string][], name: string): void => {
    const [k, v] = sub(end, name, w, (e) => keyValue(e, 0));
    out.push([k, renderAny(v)]);
  };

  const record = (end: number): OtlpLogRecord => {
    const rec = newRecord();
    each(end, (f, w) => {
      switch (f) {
        case 1:
        case 11: {
          r.expect(
            f === 1 ? 'LogRecord.time_unix_nano' : 'LogRecord.observed_time_unix_nano',
            w,
            WIRE_I64,
          );
          const t = r.fixed64Big(end);
          if (f === 1) rec.time = t;
          else rec.observed = t;
          return true;
        }
        case 2:
          r.expect('LogRecord.severity_number', w, WIRE_VARINT);
          rec.severityNumber = r.varint(end);
          return true;
        case 3:
          rec.severityText = str(end, 'LogRecord.severity_text', w);
          return true;
        case 5:
          rec.body = renderAny(sub(end, 'LogRecord.body', w, (e) => anyJson(e, 0)));
          return true;
        case 6:
          attr(end, w, rec.attributes, 'LogRecord.attributes');
          return true;
        case 9:
        case 10: {
          r.expect(f === 9 ? 'LogRecord.trace_id' : 'LogRecord.span_id', w, WIRE_LEN);
          const h = r.hex(end);
          if (f === 9) rec.traceId = h;
          else rec.spanId = h;
          return true;
        }
        case 12:
          rec.eventName = str(end, 'LogRecord.event_name', w);
          return true;
        case 8:
          if (w !== WIRE_I32) r.expect('LogRecord.flags', w, WIRE_I32);
          return false;
        default:
          return false;
      }
    });
    req.records++;
    return rec;
  };

  const scopeLogs = (end: number): OtlpScopeLogs => {
    const sl: OtlpScopeLogs = { name: '', version: '', attributes: [], records: [] };
    each(end, (f, w) => {
      if (f === 1)
        sub(end, 'ScopeLogs.scope', w, (e) =>
          each(e, (g, w2) => {
            if (g === 1) sl.name = str(e, 'InstrumentationScope.name', w2);
            else if (g === 2) sl.version = str(e, 'InstrumentationScope.version', w2);
            else if (g === 3) attr(e, w2, sl.attributes, 'InstrumentationScope.attributes');
            else return false;
            return true;
          }),
        );
      else if (f === 2) sl.records.push(sub(end, 'ScopeLogs.log_records', w, record));
      else return false;
      return true;
    });
    return sl;
  };

  const resourceLogs = (end: number): OtlpResourceLogs => {
    const rl: OtlpResourceLogs = { resource: [], scopes: [] };
    each(end, (f, w) => {
      if (f === 1)
        sub(end, 'ResourceLogs.resource', w, (e) =>
          each(e, (g, w2) => {
            if (g !== 1) return false;
            attr(e, w2, rl.resource, 'Resource.attributes');
            return true;
          }),
        );
      else if (f === 2) rl.scopes.push(sub(end, 'ResourceLogs.scope_logs', w, scopeLogs));
      else return false;
      return true;
    });
    return rl;
  };

  each(buf.length, (f, w) => {
    if (f !== 1) return false;
    req.resourceLogs.push(
      sub(buf.length, 'ExportLogsServiceRequest.resource_logs', w, resourceLogs),
    );
    return true;
  });
  return req;
}
