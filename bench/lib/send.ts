/**
 * Sends pre-built remote_write bodies with N concurrent senders pulling from one queue, in order.
 * With at most N requests in flight, a series' next sample (one step = many requests later) is
 * only sent after its previous one was answered, as with a live Prometheus shard set.
 */
import http from 'node:http';

export interface SendResult {
  wallMs: number;
  acceptedRequests: number;
  acceptedSamples: number;
  /** Non-2xx answers after retries, by status code (0 = transport error). */
  failures: Record<string, number>;
  retries: number;
  /** First error body seen, to explain failures. */
  firstError: string;
}

const HEADERS = {
  'Content-Type': 'application/x-protobuf',
  'Content-Encoding': 'snappy',
  'X-Prometheus-Remote-Write-Version': '0.1.0',
  'User-Agent': 'argus-bench/0.1',
};

function post(
  agent: http.Agent,
  url: URL,
  body: Buffer,
  extra: Record<string, string>,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { ...HEADERS, ...extra, 'Content-Length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
        );
        res.on('error', (e) => resolve({ status: 0, text: e.message }));
      },
    );
    req.on('error', (e) => resolve({ status: 0, text: e.message }));
    req.end(body);
  });
}

/**
 * Posts every body to `url` with `senders` in flight. Retryable answers (429, 5xx, transport
 * errors) are retried up to 5 times with backoff, like Prometheus's queue manager; 4xx are not.
 */
export async function sendAll(
  url: string,
  bodies: Buffer[],
  samplesPerBody: Uint32Array,
  after: Int32Array,
  senders: number,
  /** Extra request headers (Authorization: the peer's write credential). */
  headers: Record<string, string> = {},
): Promise<SendResult> {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: senders });
  const result: SendResult = {
    wallMs: 0,
    acceptedRequests: 0,
    acceptedSamples: 0,
    failures: {},
    retries: 0,
    firstError: '',
  };
  let next = 0;
  // Requests answered so far form a prefix [0, done) plus stragglers in `finished`.
  const finished = new Uint8Array(bodies.length);
  let done = 0;
  let wake: (() => void)[] = [];
  const finish = (i: number): void => {
    finished[i] = 1;
    while (done < bodies.length && finished[done] === 1) done++;
    const w = wake;
    wake = [];
    for (const f of w) f();
  };
  const worker = async (): Promise<void> => {
    for (let i = next++; i < bodies.length; i = next++) {
      while (done <= after[i]) await new Promise<void>((r) => wake.push(r));
      for (let attempt = 0; ; attempt++) {
        const { status, text } = await post(agent, target, bodies[i], headers);
        if (status >= 200 && status < 300) {
          result.acceptedRequests++;
          result.acceptedSamples += samplesPerBody[i];
          break;
        }
        const retryable = status === 0 || status === 429 || status >= 500;
        if (retryable && attempt < 5) {
          result.retries++;
          await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
          continue;
        }
        result.failures[status] = (result.failures[status] ?? 0) + 1;
        if (result.firstError === '') result.firstError = `HTTP ${status}: ${text.slice(0, 300)}`;
        break;
      }
      finish(i);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: senders }, worker));
  result.wallMs = performance.now() - start;
  agent.destroy();
  return result;
}
