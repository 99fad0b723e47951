// The HTTP surface of an instance on the metrics port: health, Prometheus metrics and the
// /v1/instance JSON. Pure wiring over small interfaces so tests can drive it in-process.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';

export interface InstanceInfo {
  name: string;
  role: string;
  version: string;
  uptimeSeconds: number;
  storage: { vertexCount: number; edgeCount: number };
  bolt: { address: string; port: number; advertisedAddress: string; connections: number };
  /** Replication role, epoch id, the MAIN UUID (own on MAIN, followed on a REPLICA), last commit timestamp. */
  replication?: { role: string; epoch: string; mainUuid: string | null; lastCommitTimestamp: number; writingEnabled: boolean };
}

export interface HttpDeps {
  registry: Registry;
  /** True once Bolt listens and storage is ready, false again while shutting down. */
  ready(): boolean;
  instance(): InstanceInfo;
  /** The graph's content digest (storage/digest.ts): tests and operators compare a replica with its MAIN. */
  digest?(): unknown;
  /** Coordinators: the /v1/cluster document (DESIGN §4); with watch, once its version differs from sinceVersion. */
  cluster?(query: { watch: boolean; sinceVersion: number; timeoutSec: number }): Promise<unknown>;
}

/** Long polls end after this long without a change (the answer is then the unchanged document). */
const DEFAULT_WATCH_TIMEOUT_SEC = 30;

export function createHttpApp(deps: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/livez', (_req, res) => {
    res.type('text/plain').send('ok\n');
  });
  app.get('/readyz', (_req, res) => {
    const ready = deps.ready();
    res.status(ready ? 200 : 503).type('text/plain').send(ready ? 'ready\n' : 'not ready\n');
  });
  app.get('/metrics', async (_req, res) => {
    const body = await deps.registry.metrics();
    res.type(deps.registry.contentType).send(body);
  });
  app.get('/v1/instance', (_req, res) => {
    res.json(deps.instance());
  });
  app.get('/v1/digest', (_req, res) => {
    if (deps.digest === undefined) res.status(404).json({ error: 'not found' });
    else res.json(deps.digest());
  });
  app.get('/v1/cluster', async (req, res) => {
    if (deps.cluster === undefined) {
      res.status(404).json({ error: 'not a coordinator' });
      return;
    }
    const q = req.query;
    const watch = q.watch === 'true';
    const sinceVersion = Number(typeof q.sinceVersion === 'string' ? q.sinceVersion : '0');
    const timeoutSec = Number(typeof q.timeoutSec === 'string' ? q.timeoutSec : DEFAULT_WATCH_TIMEOUT_SEC);
    if (!Number.isFinite(sinceVersion) || !Number.isFinite(timeoutSec)) {
      res.status(400).json({ error: 'sinceVersion and timeoutSec must be numbers' });
      return;
    }
    res.json(await deps.cluster({ watch, sinceVersion, timeoutSec }));
  });
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  // Express 5 routes rejected promises here; a failing handler answers 500, the process lives on.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const message = err instanceof Error ? err.message : String(err);
    res.status(500).json({ error: message });
  });
  return app;
}
