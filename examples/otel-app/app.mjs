// A tiny HTTP service instrumented with the OpenTelemetry JS SDK, pushing its metrics to Argus's
// OTLP/HTTP endpoint (`POST /v1/metrics`, protobuf) with a write-scoped Bearer token.
// Run: `ARGUS_TOKEN=argus_… node examples/otel-app/app.mjs`. Environment:
//   ARGUS_URL                    Argus base URL (default http://localhost:9470)
//   ARGUS_TOKEN                  token from `argus token create --user admin --scope write`
//   OTEL_SERVICE_NAME            service.name → the `job` label (default "checkout")
//   OTEL_METRIC_EXPORT_INTERVAL  export period in ms (default 10000)
//   PORT, HOST                   where the service listens (PORT=0 picks a free port)
// It prints one JSON line `{"msg":"listening","url":…}` once it accepts connections.
//
//   POST /orders?payment=card    an order (counter + duration histogram)
//   POST /carts                  a cart opened   (up-down counter + 1)
//   DELETE /carts                a cart closed   (up-down counter - 1)
import { hostname } from 'node:os';
import http from 'node:http';
import { diag, DiagLogLevel, metrics } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';

// Export failures (wrong token, Argus down) go to stderr, one line each (no stack traces).
const line =
  (level) =>
  (msg, ...args) =>
    console.error(`otel ${level}: ${[msg, ...args].map((a) => a?.message ?? String(a)).join(' ')}`);
diag.setLogger(
  {
    error: line('error'),
    warn: line('warn'),
    info: line('info'),
    debug: line('debug'),
    verbose: line('verbose'),
  },
  DiagLogLevel.WARN,
);

const base = (process.env.ARGUS_URL ?? 'http://localhost:9470').replace(/\/+$/, '');
const token = process.env.ARGUS_TOKEN ?? '';
if (token === '') console.error('ARGUS_TOKEN is not set: Argus will refuse the exports (401)');
const interval = Number(process.env.OTEL_METRIC_EXPORT_INTERVAL ?? 10_000);

const provider = new MeterProvider({
  // service.name → job, service.instance.id → instance; the rest goes to target_info.
  resource: defaultResource().merge(
    resourceFromAttributes({
      'service.name': process.env.OTEL_SERVICE_NAME ?? 'checkout',
      'service.instance.id': `${hostname()}:${process.pid}`,
      'deployment.environment.name': 'example',
    }),
  ),
  readers: [
    new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({
        url: `${base}/v1/metrics`,
        headers: { Authorization: `Bearer ${token}` },
      }),
      exportIntervalMillis: interval,
      // The SDK requires timeout <= interval.
      exportTimeoutMillis: Math.min(interval, 30_000),
    }),
  ],
});
metrics.setGlobalMeterProvider(provider);
const meter = metrics.getMeter('otel-example-app', '1.0.0');

// Argus names them per the OpenTelemetry→Prometheus compatibility spec:
// shop_orders_total, shop_order_duration_seconds_{bucket,sum,count}, shop_carts_active.
const orders = meter.createCounter('shop.orders', {
  description: 'Orders placed.',
  unit: '{order}',
});
const orderDuration = meter.createHistogram('shop.order.duration', {
  description: 'Time to place an order.',
  unit: 's',
  advice: { explicitBucketBoundaries: [0.001, 0.01, 0.1, 1] },
});
const carts = meter.createUpDownCounter('shop.carts.active', {
  description: 'Shopping carts currently open.',
  unit: '{cart}',
});

function handle(req, url) {
  if (req.method === 'POST' && url.pathname === '/orders') {
    const started = process.hrtime.bigint();
    const attrs = { 'payment.method': url.searchParams.get('payment') ?? 'card' };
    orders.add(1, attrs);
    orderDuration.record(Number(process.hrtime.bigint() - started) / 1e9, attrs);
    return 201;
  }
  if (url.pathname === '/carts' && (req.method === 'POST' || req.method === 'DELETE')) {
    carts.add(req.method === 'POST' ? 1 : -1, { region: url.searchParams.get('region') ?? 'eu' });
    return 202;
  }
  return 404;
}

const server = http.createServer((req, res) => {
  const code = handle(req, new URL(req.url ?? '/', 'http://localhost'));
  res.writeHead(code, { 'content-type': 'text/plain' }).end(code === 404 ? 'not found\n' : 'ok\n');
});

const port = Number(process.env.PORT ?? 8081);
server.listen(port, process.env.HOST ?? '127.0.0.1', () => {
  const { address, port: bound } = server.address();
  console.log(JSON.stringify({ msg: 'listening', url: `http://${address}:${bound}` }));
});

// Flush the last values before exiting, so nothing recorded is lost.
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    server.closeAllConnections();
    server.close();
    provider.shutdown().then(
      () => process.exit(0),
      (err) => {
        console.error(`cannot flush metrics: ${String(err)}`);
        process.exit(1);
      },
    );
  });
}
