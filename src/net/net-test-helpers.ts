/** Local HTTP servers for the net module's own tests. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalServer {
  url: string;
  port: number;
  /** Requests seen, as `METHOD path`. */
  hits: string[];
  /** Headers of the last request. */
  last: http.IncomingHttpHeaders | undefined;
  close(): Promise<void>;
}

export async function serve(
  host: string,
  handler: (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void,
): Promise<LocalServer> {
  const srv = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.hits.push(`${req.method} ${req.url}`);
      state.last = req.headers;
      handler(req, res, Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, host, resolve));
  const port = (srv.address() as AddressInfo).port;
  const state: LocalServer = {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    hits: [],
    last: undefined,
    close: () =>
      new Promise((resolve) => {
        srv.closeAllConnections();
        srv.close(() => resolve());
      }),
  };
  return state;
}
