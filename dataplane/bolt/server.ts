// The Bolt listener: accepts sockets and gives each one a BoltConnection.

import net from 'node:net';
import type { Logger } from 'pino';
import type { Engine } from '../query/engine-types.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from './chunking.js';
import { BoltConnection, type ConnectionTimeouts } from './connection.js';
import type { BoltHooks, RoutingProvider } from './session.js';

export type { BoltHooks, RoutingProvider, RoutingTable } from './session.js';

export interface BoltServerOptions {
  host: string;
  port: number;
  engine: Engine;
  serverAgent: string;
  logger: Logger;
  routing: RoutingProvider;
  hooks?: BoltHooks;
  maxMessageBytes?: number;
}

export interface BoltServer {
  port: number;
  /** Stops accepting, rolls back open transactions, closes sockets. */
  close(): Promise<void>;
  connectionCount(): number;
  /** Idle and handshake limits for all connections, now and later (0 = none). */
  setTimeouts(timeouts: ConnectionTimeouts): void;
}

/** How often idle connections are looked for: limits are met to within this. */
const SWEEP_MS = 250;

export async function startBoltServer(options: BoltServerOptions): Promise<BoltServer> {
  const connections = new Set<BoltConnection>();
  const timeouts: ConnectionTimeouts = { handshakeMs: 0, idleMs: 0, recvTimeoutHintSec: 0 };
  let sweep: NodeJS.Timeout | null = null;
  let nextId = 1;
  const server = net.createServer((socket) => {
    const connectionId = `bolt-${nextId++}`;
    const conn = new BoltConnection(socket, {
      engine: options.engine,
      routing: options.routing,
      serverAgent: options.serverAgent,
      connectionId,
      hooks: options.hooks,
      logger: options.logger,
      maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      recvTimeoutHintSec: () => timeouts.recvTimeoutHintSec,
    });
    connections.add(conn);
    options.hooks?.connectionOpened();
    socket.once('close', () => {
      connections.delete(conn);
      options.hooks?.connectionClosed();
    });
  });
  server.on('error', (e) => options.logger.error({ err: e }, 'bolt listener error'));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  options.logger.info({ host: options.host, port }, 'bolt server listening');

  return {
    port,
    connectionCount: () => connections.size,
    setTimeouts(next) {
      Object.assign(timeouts, next);
      if (sweep === null && (timeouts.handshakeMs > 0 || timeouts.idleMs > 0 || timeouts.recvTimeoutHintSec > 0)) {
        sweep = setInterval(() => {
          const now = Date.now();
          for (const c of connections) {
            c.expire(now, timeouts);
            c.keepAlive(now, timeouts);
          }
        }, SWEEP_MS);
        sweep.unref();
      }
    },
    async close() {
      if (sweep !== null) clearInterval(sweep);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...connections].map((c) => c.close()));
      await closed;
    },
  };
}
