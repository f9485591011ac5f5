/**
 * Child process of the checks benchmark (started with `fork` by checks-targets.ts): one HTTP
 * server on 127.0.0.1 serving `/t/0` … `/t/N-1` (200, a small body), recording when each
 * path's requests arrive, so the probing peers' CPU does not include the target's and both
 * peers' jitter is measured on the same clock. IPC: sends `{type:'ready', port}`; answers
 * `{type:'now'}` with its clock and `{type:'arrivals'}` with every path's arrival times
 * (ms, `performance.now()` of this process). argv: N.
 */
import { createServer } from 'node:http';

export type ChecksChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'now'; now: number }
  | { type: 'arrivals'; arrivals: number[][]; other: number };

const count = Number(process.argv[2]);
const arrivals: number[][] = Array.from({ length: count }, () => []);
let other = 0;
const body = 'ok\n';

const server = createServer((req, res) => {
  const now = performance.now();
  const m = /^\/t\/(\d+)$/.exec(req.url ?? '');
  const i = m ? Number(m[1]) : -1;
  if (i >= 0 && i < count) {
    arrivals[i].push(now);
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length }).end(body);
  } else {
    other++;
    res.writeHead(404).end();
  }
});
// Both peers keep connections alive; the default 5 s keep-alive would close them between probes.
server.keepAliveTimeout = 60_000;

function send(msg: ChecksChildMessage): void {
  process.send?.(msg);
}

server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  send({ type: 'ready', port: typeof addr === 'object' && addr !== null ? addr.port : 0 });
});
process.on('message', (m: { type: string }) => {
  if (m.type === 'now') send({ type: 'now', now: performance.now() });
  else if (m.type === 'arrivals') send({ type: 'arrivals', arrivals, other });
});
process.on('disconnect', () => {
  server.close();
  process.exit(0);
});
