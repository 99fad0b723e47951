// Starts the HTTP app on the metrics address/port; close() also drops keep-alive connections
// so shutdown is not held up by an idle scraper.
import http from 'node:http';
import type { Express } from 'express';

export interface HttpServer {
  port: number;
  close(): Promise<void>;
}

export function listenHttp(app: Express, host: string, port: number): Promise<HttpServer> {
  return new Promise((resolve, reject) => {
    const server = http.createServer(app);
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve({
        port: typeof addr === 'object' && addr !== null ? addr.port : port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
