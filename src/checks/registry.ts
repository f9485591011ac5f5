/**
 * Every check kind, in one table: `kind:` in a definition picks the plugin. A new kind is a
 * folder `src/checks/<kind>/` exporting a `CheckKind` and one line here.
 */
import { dnsKind } from './dns/index.js';
import { grpcKind } from './grpc/index.js';
import { heartbeatKind } from './heartbeat/index.js';
import { httpKind } from './http/index.js';
import { icmpKind } from './icmp/index.js';
import { mysqlKind } from './mysql/index.js';
import { postgresKind } from './postgres/index.js';
import { promqlKind } from './promql/index.js';
import { redisKind } from './redis/index.js';
import { tcpKind } from './tcp/index.js';
import { tlsKind } from './tls/index.js';
import type { AnyCheckKind } from './types.js';

const ALL: readonly AnyCheckKind[] = [
  httpKind,
  tcpKind,
  tlsKind,
  dnsKind,
  icmpKind,
  postgresKind,
  mysqlKind,
  redisKind,
  grpcKind,
  heartbeatKind,
  promqlKind,
];

/** The kinds by name. */
export const CHECK_KINDS: ReadonlyMap<string, AnyCheckKind> = new Map(ALL.map((k) => [k.name, k]));
