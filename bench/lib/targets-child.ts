/**
 * Child process of the scrape benchmark (started with `fork` by targets.ts): serves N synthetic
 * targets on free loopback ports so their CPU is not counted as the scraper's. Speaks over IPC:
 * sends `{type:'ready', ports}` once listening; answers `{type:'stats'}` with the count of
 * fully sent responses per target; after `{type:'freeze'}` every request gets 503, so the
 * stored sample count of a probe series can be compared with the served count.
 * argv: TARGETS SERIES SEED.
 */
import { createServer, type Server } from 'node:http';
import { gzip } from 'node:zlib';
import { SyntheticTarget } from './exposition.js';

export type ChildMessage =
  | { type: 'ready'; ports: number[]; series: number }
  | { type: 'stats'; served: number[]; failed: number };

const [count, series, seed] = process.argv.slice(2).map(Number);
const served = new Array<number>(count).fill(0);
let failed = 0;
let frozen = false;

function send(msg: ChildMessage): void {
  process.send?.(msg);
}

function serve(i: number): Promise<{ server: Server; port: number }> {
  const target = new SyntheticTarget(series, seed + i);
  const server = createServer((req, res) => {
    if (frozen) {
      res.writeHead(503).end('frozen\n');
      return;
    }
    const body = target.render();
    const done = (): void => {
      served[i]++;
    };
    const headers = { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' };
    // Real exporters (client_golang) gzip when the scraper asks, and both scrapers ask.
    if (/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
      gzip(body, (err, gz) => {
        if (err) {
          failed++;
          res.writeHead(500).end();
          return;
        }
        res.once('finish', done);
        res.writeHead(200, { ...headers, 'content-encoding': 'gzip' }).end(gz);
      });
    } else {
      res.once('finish', done);
      res.writeHead(200, headers).end(body);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      resolve({ server, port: typeof addr === 'object' && addr !== null ? addr.port : 0 });
    });
  });
}

const targets = await Promise.all(Array.from({ length: count }, (_, i) => serve(i)));
process.on('message', (m: { type: string }) => {
  if (m.type === 'stats') send({ type: 'stats', served: [...served], failed });
  else if (m.type === 'freeze') frozen = true;
});
process.on('disconnect', () => {
  for (const t of targets) t.server.close();
  process.exit(0);
});
send({
  type: 'ready',
  ports: targets.map((t) => t.port),
  series: new SyntheticTarget(series, 0).series,
});
