/**
 * @module checks/mysql
 * The `mysql` check (MySQL and MariaDB): opens the TCP connection through the outbound guard
 * and hands it to mysql2 (`stream`), which negotiates TLS (`tls: require | verify-full`) and
 * authentication on it; then makes the session read-only and runs `query` (default
 * `SELECT 1`), checking `expect_min_rows` / `expect_first_value`. Metrics: probe_success,
 * probe_duration_seconds, `probe_db_query_duration_seconds` (Argus extension) and
 * probe_ssl_earliest_cert_expiry with TLS.
 */
import { isIP, type Socket } from 'node:net';
import { TLSSocket, checkServerIdentity } from 'node:tls';
import mysql from 'mysql2/promise';
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

const schema = sqlSchema(3306);
export type MysqlSpec = SqlSpec;

export const mysqlKind: CheckKind<MysqlSpec> = {
  name: 'mysql',
  description: 'MySQL/MariaDB: connect, authenticate and run a read-only query (default SELECT 1)',
  schema,
  secretFields: ['password'],
  target: (s) => hostPort(s.host, s.port),
  probe(spec, ctx) {
    const secrets: string[] = [];
    return runProbe(ctx, secrets, async () => {
      const { password, sock } = await sqlConnect(spec, ctx, secrets);
      const stop = destroyOnAbort(sock, ctx.signal);
      const where = hostPort(spec.host, spec.port);
      const metrics: ProbeMetric[] = [];
      const tls = sqlTlsOptions(spec);
      const aborted = abortPromise(ctx.signal);
      aborted.catch(() => undefined);
      let conn: mysql.Connection | undefined;
      try {
        try {
          conn = await Promise.race([
            mysql.createConnection({
              host: spec.host,
              port: spec.port,
              user: spec.user,
              ...(password !== undefined && { password }),
              ...(spec.database !== undefined && { database: spec.database }),
              stream: sock,
              connectTimeout: ctx.timeoutMs,
              ...(tls && {
                ssl: {
                  rejectUnauthorized: tls.rejectUnauthorized ?? true,
                  // mysql2 checks an IP host against "localhost"; those are checked below.
                  verifyIdentity: (tls.rejectUnauthorized ?? true) && isIP(spec.host) === 0,
                  ...(typeof tls.ca === 'string' && { ca: tls.ca }),
                },
              }),
            }),
            aborted,
          ]);
        } catch (err) {
          throw new ProbeFailure(`cannot connect to mysql at ${where}: ${messageOf(err)}`);
        }
        conn.on('error', () => undefined); // failures surface through query()
        const stream = streamOf(conn);
        if (stream instanceof TLSSocket) {
          metrics.push(...tlsMetrics(stream));
          const wrongName =
            spec.tls === 'verify-full' && isIP(spec.host) !== 0
              ? checkServerIdentity(spec.host, stream.getPeerCertificate())
              : undefined;
          if (wrongName)
            throw new ProbeFailure(`cannot connect to mysql at ${where}: ${wrongName.message}`, {
              metrics,
            });
        } else if (tls) {
          throw new ProbeFailure(`cannot connect to mysql at ${where}: server does not offer TLS`);
        }
        const tooLarge = capReads(streamOf(conn), ctx.maxBodyBytes);
        const t0 = ctx.now();
        let rows: unknown[][];
        try {
          // A check must not write: every statement after this runs read-only.
          await Promise.race([conn.query('SET SESSION TRANSACTION READ ONLY'), aborted]);
          const [res] = await Promise.race([
            conn.query({ sql: spec.query, rowsAsArray: true }),
            aborted,
          ]);
          rows = Array.isArray(res) ? (res as unknown[][]) : [];
        } catch (err) {
          if (tooLarge()) throw new ProbeFailure(tooLargeText(ctx.maxBodyBytes), { metrics });
          throw new ProbeFailure(`cannot run query: ${messageOf(err)}`, { metrics });
        }
        metrics.push(queryDurationMetric((ctx.now() - t0) / 1000));
        const problem = checkRows(spec, rows);
        return { metrics, detail: { rows: rows.length }, ...(problem && { error: problem }) };
      } finally {
        stop();
        if (conn) streamOf(conn).destroy();
        sock.destroy();
      }
    });
  },
};

/** The connection's current stream (a TLSSocket after the TLS upgrade). */
function streamOf(conn: mysql.Connection): Socket {
  return (conn as unknown as { connection: { stream: Socket } }).connection.stream;
}
