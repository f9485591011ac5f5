/**
 * Test-only public surface of ingest/remote-write: protobuf byte builders for hand-crafting valid
 * and hostile WriteRequests the encoder would never produce (invalid UTF-8, wrong wire types,
 * truncations), and a loader for the conformance .proto files via protobufjs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import protobuf from 'protobufjs';
export function varint(n: number | bigint): Buffer {
  let x = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
  return Buffer.from(out);
}

export function tag(field: number, wire: number): Buffer {
  return varint((field << 3) | wire);
}

export function len(field: number, body: Buffer | string): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return Buffer.concat([tag(field, 2), varint(b.length), b]);
}

export function label(name: Buffer | string, value: Buffer | string): Buffer {
  return len(1, Buffer.concat([len(1, name), len(2, value)]));
}

export function sample(t: number | bigint, v: number): Buffer {
  const d = Buffer.alloc(8);
  d.writeDoubleLE(v);
  return len(2, Buffer.concat([tag(1, 1), d, tag(2, 0), varint(t)]));
}

export function timeseries(...parts: Buffer[]): Buffer {
  return len(1, Buffer.concat(parts));
}

/** Where the Prometheus .proto files of the shared conformance corpus live (from the repo root). */
export const CONFORMANCE_PROTO_DIR = resolve(
  process.cwd(),
  '../shared/conformance/proto/prometheus',
);

/**
 * The `prometheus.WriteRequest` type parsed by protobufjs from the conformance proto files, or
 * undefined when `../shared/conformance` is absent. The gogoproto import and options are stripped
 * (they only affect Go code generation).
 */
export function loadWriteRequestType(): protobuf.Type | undefined {
  if (!existsSync(join(CONFORMANCE_PROTO_DIR, 'remote.proto'))) return undefined;
  const clean = (f: string) =>
    readFileSync(join(CONFORMANCE_PROTO_DIR, f), 'utf8')
      .replace(/import "[^"]*";/g, '')
      .replace(/\[\(gogoproto\.[^\]]*\]/g, '');
  const root = new protobuf.Root();
  protobuf.parse(clean('types.proto'), root, { keepCase: true });
  protobuf.parse(clean('remote.proto'), root, { keepCase: true });
  return root.lookupType('prometheus.WriteRequest');
}
