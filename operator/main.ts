// The operator process: options, discovery, health and metrics server, leader election, then
// informers → work queue → reconcile. SIGTERM/SIGINT stop it cleanly; losing the Lease exits
// with status 1 so Kubernetes restarts it as a candidate.
import os from 'node:os';
import type { Server } from 'node:http';
import { ApisApi, KubeConfig, type Informer, type KubernetesObject } from '@kubernetes/client-node';
import express from 'express';
import { pino } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { clusterMetrics } from './controller/cluster-metrics.js';
import { Controller } from './controller/controller.js';
import { CoordinatorPool } from './controller/coordinator-pool.js';
import { startInformers } from './controller/informers.js';
import { KubeClusterApi } from './controller/kube-api.js';
import { DEFAULT_ELECTION, kubeLeaseStore, runLeaderElection } from './controller/leader-election.js';
import { controllerMetrics } from './controller/metrics.js';
import { neo4jRunner } from './controller/query-runner.js';
import { reconcile } from './controller/reconciler.js';
import { WorkQueue } from './controller/workqueue.js';
import { parseOptions } from './options.js';
import { choosePdbApiVersion, type BuildContext } from './resources/context.js';
import { OPERATOR_NAME } from './resources/rbac.js';

const log = pino({ name: OPERATOR_NAME });

async function groupVersions(kc: KubeConfig): Promise<string[]> {
  const groups = await kc.makeApiClient(ApisApi).getAPIVersions();
  return groups.groups.flatMap((g) => g.versions.map((v) => v.groupVersion));
}

async function main(): Promise<void> {
  const options = parseOptions(process.env, os.hostname());
  const kc = new KubeConfig();
  kc.loadFromDefault();
  const ctx: BuildContext = { clusterDomain: options.clusterDomain, pdbApiVersion: choosePdbApiVersion(await groupVersions(kc)) };
  log.info({ options, pdbApiVersion: ctx.pdbApiVersion }, 'starting');

  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mgha_operator_' });
  const queue = new WorkQueue();
  const api = new KubeClusterApi(kc);
  const metrics = clusterMetrics(registry);
  let controller: Controller | undefined;
  const pool = new CoordinatorPool({ ctx, runner: (url) => neo4jRunner(url), onChange: (ns, name) => controller?.enqueue(ns, name) });
  controller = new Controller(
    queue,
    (ns, name) => reconcile({ api, coordinators: (c) => pool.access(c), metrics, ctx, now: () => new Date() }, ns, name),
    controllerMetrics(registry, () => queue.depth()),
    log,
  );

  let leading = false;
  const app = express();
  app.disable('x-powered-by');
  app.get('/livez', (_req, res) => void res.type('text/plain').send('ok\n'));
  // A standby replica is ready too: readiness gates rollouts, not leadership.
  app.get('/readyz', (_req, res) => void res.type('text/plain').send(leading ? 'leading\n' : 'standby\n'));
  app.get('/metrics', async (_req, res) => void res.type(registry.contentType).send(await registry.metrics()));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(options.metricsPort, options.metricsAddress, () => resolve(s));
  });

  let informers: Informer<KubernetesObject>[] = [];
  let running: Promise<void> = Promise.resolve();
  const startLeading = (): void => {
    leading = true;
    log.info({ identity: options.identity }, 'leading');
    informers = startInformers(kc, options.watchNamespace, {
      changed: (ns, name) => controller?.enqueue(ns, name),
      // The reconcile of a deleted cluster drops its metrics; the pool closes its connections.
      deleted: (ns, name) => {
        void pool.forget(ns, name);
        controller?.enqueue(ns, name);
      },
      error: (what, err) => log.warn({ what, err: err instanceof Error ? err.message : String(err) }, 'watch failed; restarting it'),
    });
    running = controller!.run(options.workers);
  };

  const stopping = new AbortController();
  const shutdown = async (code: number): Promise<never> => {
    stopping.abort();
    queue.shutDown();
    await Promise.all(informers.map((i) => i.stop()));
    await running;
    await pool.closeAll();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    process.exit(code);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(0));

  if (!options.leaderElect) {
    startLeading();
    return;
  }
  await runLeaderElection(
    kubeLeaseStore(kc, options.namespace, OPERATOR_NAME),
    { identity: options.identity, ...DEFAULT_ELECTION },
    {
      onStarted: startLeading,
      onStopped: () => {
        if (stopping.signal.aborted) return;
        log.error('lost the leader Lease; exiting so no two operators act at once');
        void shutdown(1);
      },
    },
    stopping.signal,
  );
}

main().catch((e: unknown) => {
  log.fatal({ err: e instanceof Error ? e.message : String(e) }, 'operator failed to start');
  process.exit(1);
});
