/**
 * Test-only helpers for the protobuf exposition format: `io.prometheus.client.MetricFamily` from
 * the shared conformance schema, loaded with protobufjs (a test-only encoder; the decoder never
 * needs it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import protobuf from 'protobufjs';

/** metrics.proto in the shared conformance corpus (resolved from the repo root). */
export const METRICS_PROTO = resolve(
  process.cwd(),
  '../shared/conformance/proto/prometheus/io/prometheus/client/metrics.proto',
);

/**
 * The MetricFamily type, or undefined when the corpus is absent. The gogoproto import and
 * options are stripped (they only steer Go code generation); Timestamp is protobufjs's own.
 */
export function loadMetricFamilyType(): protobuf.Type | undefined {
  if (!existsSync(METRICS_PROTO)) return undefined;
  const text = readFileSync(METRICS_PROTO, 'utf8')
    .replace(/import "[^"]*";/g, '')
    .replace(/\[\(gogoproto\.[^\]]*\]/g, '');
  const root = new protobuf.Root();
  const ts = protobuf.common.get('google/protobuf/timestamp.proto');
  if (ts?.nested !== undefined) root.addJSON(ts.nested);
  protobuf.parse(text, root, { keepCase: true });
  root.resolveAll();
  return root.lookupType('io.prometheus.client.MetricFamily');
}

/** Encodes MetricFamily objects (snake_case keys, as in the schema) as a delimited body. */
export function encodeDelimited(type: protobuf.Type, families: object[]): Buffer {
  const w = protobuf.Writer.create();
  for (const f of families) type.encodeDelimited(type.fromObject(f), w);
  return Buffer.from(w.finish());
}
