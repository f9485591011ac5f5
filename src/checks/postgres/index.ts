/**
 * @module checks/postgres
 * The `postgres` check: opens the TCP connection through the outbound guard and hands it to
 * node-postgres (`stream`), which negotiates TLS (`tls: require | verify-full`) and SCRAM/MD5
 * authentication on it; then runs `query` (default `SELECT 1`) in a read-only session with a
 * statement timeout, and checks `expect_min_rows` / `expect_first_value`. Metrics:
 * probe_success, probe_duration_seconds, `probe_db_query_duration_seconds` (Argus extension) and
 * probe_ssl_earliest_cert_expiry with TLS.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import pg from 'pg';
import type { CheckKind, ProbeMetric } from '../types.js';
import {
  ProbeFailure,
  abortPromise,
  capReads,
  destroyOnAbort,
  hostPort,
  runProbe,
  tlsMetrics,
} from '../probe-kit.js';
import {
  checkRows,
  messageOf,
  queryDurationMetric,
  sqlConnect,
  sqlSchema,
  sqlTlsOptions,
  tooLargeText,
  type SqlSpec,
} from '../sql-common.js';

const schema = sqlSchema(5432);
export type PostgresSpec = SqlSpec;

export const postgresKind: CheckKind<PostgresSpec> = {
  name: 'postgres',
  description: 'PostgreSQL: connect, authenticate and run a read-only query (default SELECT 1)',
  schema,
  secretFields: ['password'],
  target: (s) => hostPort(s.host, s.port),
  probe(spec, ctx) {
    const secrets: string[] = [];
    return runProbe(ctx, secrets, async () => {
      const { password, sock } = await sqlConnect(spec, ctx, secrets);
      preConnected(sock);
      const stop = destroyOnAbort(sock, ctx.signal);
      const where = hostPort(spec.host, spec.port);
      const metrics: ProbeMetric[] = [];
      const ssl = sqlTlsOptions(spec);
      const client = new pg.Client({
        host: spec.host,
        port: spec.port,
        user: spec.user,
        ...(password !== undefined && { password }),
        ...(spec.database !== undefined && { database: spec.database }),
        stream: () => sock,
        ssl: ssl ?? false,
        application_name: 'argus',
        // Startup parameters: no round trips, and a check can neither write nor run long.
        options: `-c default_transaction_read_only=on -c statement_timeout=${ctx.timeoutMs}`,
      });
      client.on('error', () => undefined); // failures surface through connect()/query()
      const aborted = abortPromise(ctx.signal);
      aborted.catch(() => undefined);
      try {
        try {
          await Promise.race([client.connect(), aborted]);
        } catch (err) {
          throw new ProbeFailure(`cannot connect to postgres at ${where}: ${messageOf(err)}`);
        }
        if (ssl) metrics.push(...tlsMetrics(streamOf(client) as TLSSocket));
        const tooLarge = capReads(streamOf(client), ctx.maxBodyBytes);
        const t0 = ctx.now();
        let rows: unknown[][];
        try {
          const res = await Promise.race([
            client.query<unknown[]>({ text: spec.query, rowMode: 'array' }),
            aborted,
          ]);
          rows = res.rows;
        } catch (err) {
          if (tooLarge()) throw new ProbeFailure(tooLargeText(ctx.maxBodyBytes), { metrics });
          throw new ProbeFailure(`cannot run query: ${messageOf(err)}`, { metrics });
        }
        metrics.push(queryDurationMetric((ctx.now() - t0) / 1000));
        const problem = checkRows(spec, rows);
        return { metrics, detail: { rows: rows.length }, ...(problem && { error: problem }) };
      } finally {
        stop();
        streamOf(client).destroy();
        sock.destroy();
      }
    });
  },
};

/**
 * node-postgres calls `stream.connect()` itself; on a socket the guard already connected that
 * would dial again, so announce the existing connection instead.
 */
function preConnected(sock: Socket): void {
  Object.defineProperty(sock, 'connect', {
    value: () => {
      process.nextTick(() => sock.emit('connect'));
      return sock;
    },
  });
}

/** The client's current stream (a TLSSocket after the SSL upgrade). */
function streamOf(client: pg.Client): Socket {
  return (client as unknown as { connection: { stream: Socket } }).connection.stream;
}
