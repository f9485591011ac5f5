// A tiny HTTP service instrumented with prom-client, exposing /metrics for Argus (or Prometheus)
// to scrape. Run: `node examples/prom-client-app/app.mjs` (PORT, HOST env; PORT=0 picks a free
// port). It prints one JSON line `{"msg":"listening","url":…}` once it accepts connections.
//
//   GET  /hello              200, counted and timed
//   POST /jobs?queue=NAME    enqueue a job   (jobs_queued{queue} + 1)
//   DELETE /jobs?queue=NAME  dequeue a job   (jobs_queued{queue} - 1)
//   GET  /metrics            the Prometheus text exposition (not counted itself)
//   anything else            404, counted and timed
import http from 'node:http';
import client from 'prom-client';

const register = new client.Registry();
// process_* and nodejs_* metrics (CPU, memory, event loop lag, GC, handles).
client.collectDefaultMetrics({ register });

const requests = new client.Counter({
  name: 'http_requests_total',
  help: 'HTTP requests handled, by method, route and status code.',
  labelNames: ['method', 'route', 'code'],
  registers: [register],
});
const duration = new client.Histogram({
  name: 'http_request_duration_seconds',
  help: 'Time to handle an HTTP request.',
  labelNames: ['method', 'route'],
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
  registers: [register],
});
const queued = new client.Gauge({
  name: 'jobs_queued',
  help: 'Jobs waiting in each queue.',
  labelNames: ['queue'],
  registers: [register],
});

function handle(req, url) {
  if (req.method === 'GET' && url.pathname === '/hello') return [200, '/hello', 'hello\n'];
  if (url.pathname === '/jobs' && (req.method === 'POST' || req.method === 'DELETE')) {
    const queue = url.searchParams.get('queue') ?? 'default';
    if (req.method === 'POST') queued.labels(queue).inc();
    else queued.labels(queue).dec();
    return [202, '/jobs', 'ok\n'];
  }
  // One route label for every unknown path keeps the series count bounded.
  return [404, 'other', 'not found\n'];
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/metrics') {
    register.metrics().then(
      (body) => res.writeHead(200, { 'content-type': register.contentType }).end(body),
      (err) => res.writeHead(500).end(String(err)),
    );
    return;
  }
  const end = duration.startTimer({ method: req.method, route: 'other' });
  const [code, route, body] = handle(req, url);
  end({ route });
  requests.inc({ method: req.method, route, code: String(code) });
  res.writeHead(code, { 'content-type': 'text/plain' }).end(body);
});

const port = Number(process.env.PORT ?? 8080);
server.listen(port, process.env.HOST ?? '127.0.0.1', () => {
  const { address, port: bound } = server.address();
  console.log(JSON.stringify({ msg: 'listening', url: `http://${address}:${bound}` }));
});

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
