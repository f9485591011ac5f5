/**
 * Test-only helpers of ingest/otlp: the conformance OTLP protos loaded with protobufjs (a
 * devDependency; the runtime decoder never needs them), and the shared JSON examples.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import protobuf from 'protobufjs';
import { DEFAULT_TENANT, Matcher, isStaleNaN } from '../../model/index.js';
import type { MemStore } from '../../storage/testing.js';

/** The OpenTelemetry protos of the shared conformance corpus (from the repo root). */
export const OTLP_PROTO_DIR = resolve(process.cwd(), '../shared/conformance/proto/opentelemetry');

/** The shared OTLP/JSON examples. */
export const OTLP_EXAMPLES_DIR = resolve(process.cwd(), '../shared/conformance/otlp/examples');

const SERVICE = 'opentelemetry/proto/collector/metrics/v1/metrics_service.proto';

/** ExportMetricsServiceRequest parsed by protobufjs, or undefined when the protos are absent. */
export function loadExportRequestType(): protobuf.Type | undefined {
  if (!existsSync(join(OTLP_PROTO_DIR, SERVICE))) return undefined;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) =>
    target.startsWith('/') ? target : join(OTLP_PROTO_DIR, target);
  root.loadSync(SERVICE);
  return root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');
}

/** Encodes an OTLP/JSON-shaped object (camelCase keys) as protobuf with protobufjs. */
export function encodeWithProtobufjs(type: protobuf.Type, json: unknown): Buffer {
  const msg = type.fromObject(json as Record<string, unknown>);
  return Buffer.from(type.encode(msg).finish());
}

/** The text of a shared example, or undefined when absent. */
export function readExample(name: string): string | undefined {
  const p = join(OTLP_EXAMPLES_DIR, name);
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}

/** Stored series as "labels" → [[t, v]...]; stale markers as 'stale'. */
export function dump(store: MemStore): Record<string, [number, number | 'stale'][]> {
  const q = store.querier(DEFAULT_TENANT, 0, Number.MAX_SAFE_INTEGER);
  const out: Record<string, [number, number | 'stale'][]> = {};
  for (const s of q.select([new Matcher('=~', '__name__', '.+')])) {
    const it = s.iterator();
    const pts: [number, number | 'stale'][] = [];
    while (it.next()) pts.push([it.t, isStaleNaN(it.v) ? 'stale' : it.v]);
    out[s.labels.toString()] = pts;
  }
  q.close();
  return out;
}

/** A request with one resource and one scope holding `metrics`. */
export function request(
  metrics: unknown[],
  resource: [string, unknown][] = [['service.name', 'svc']],
) {
  return {
    resourceMetrics: [
      {
        resource: { attributes: resource.map(([key, v]) => ({ key, value: anyValue(v) })) },
        scopeMetrics: [{ scope: { name: 'test' }, metrics }],
      },
    ],
  };
}

function anyValue(v: unknown): unknown {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number')
    return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  return v;
}
