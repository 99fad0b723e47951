// HA data instances for tests: the real `mgha` binary with --management-port on 127.0.0.1,
// driven the way the coordinator leader drives it, over the management RPCs of
// dataplane/coordination/management-rpc.ts with a real RpcClient.
import { randomUUID } from 'node:crypto';
import { RpcClient } from '../../dataplane/rpc/client.js';
import type { RpcDef } from '../../dataplane/rpc/messages.js';
import { StateCheck, type WireReport } from '../../dataplane/coordination/management-rpc.js';
import { freePort } from './ports.js';
import { closeDrivers, FAST_CHECKS } from './replication.js';
import { startServer, type TestServer } from './server.js';

export interface DataInstance {
  server: TestServer;
  managementPort: number;
  /** A free port for its replication server, and the "127.0.0.1:<port>" the coordinators would register. */
  replicationPort: number;
  replicationServer: string;
  rpc: RpcClient;
  call<Req, Res>(def: RpcDef<Req, Res>, req: Req): Promise<Res>;
  state(): Promise<WireReport>;
  /** SIGTERM and close the client. */
  stop(): Promise<void>;
}

/** A write lease no test outlives: these tests drive roles, not leases (ha-data-instance tests those). */
export const LONG_LEASE_MS = 3_600_000;

const clients: RpcClient[] = [];

/**
 * Starts an HA data instance (on `dataDirectory` when given: restarts keep the data; then
 * pass the previous instance's ports to keep its addresses).
 */
export async function startDataInstance(
  extraArgs: string[] = [],
  ports: { managementPort?: number; replicationPort?: number } = {},
): Promise<DataInstance> {
  const managementPort = ports.managementPort ?? (await freePort());
  const replicationPort = ports.replicationPort ?? (await freePort());
  const server = await startServer(['--management-address=127.0.0.1', `--management-port=${managementPort}`, ...FAST_CHECKS, ...extraArgs], { timeoutMs: 30000 });
  const rpc = new RpcClient({ host: '127.0.0.1', port: managementPort, connectTimeoutMs: 2000 });
  clients.push(rpc);
  const call = <Req, Res>(def: RpcDef<Req, Res>, req: Req): Promise<Res> => rpc.call(def, req);
  return {
    server,
    managementPort,
    replicationPort,
    replicationServer: `127.0.0.1:${replicationPort}`,
    rpc,
    call,
    state: () => call(StateCheck, { leaseMs: LONG_LEASE_MS, sentAtMs: Date.now() }),
    stop: async () => {
      await rpc.close();
      await server.stop();
    },
  };
}

export async function closeRpcClients(): Promise<void> {
  await Promise.all(clients.splice(0).map((c) => c.close()));
}

export const newMainUuid = (): string => randomUUID();

/**
 * For a test file: a starter of HA data instances that are stopped after each test, with
 * the drivers and management clients the test opened.
 */
export function dataInstancesPerTest(): (extraArgs?: string[], ports?: { managementPort?: number; replicationPort?: number }) => Promise<DataInstance> {
  const instances: DataInstance[] = [];
  afterEach(async () => {
    await closeDrivers();
    await closeRpcClients();
    await Promise.all(instances.splice(0).map((d) => d.server.stop()));
  });
  return async (extraArgs = [], ports = {}) => {
    const d = await startDataInstance(extraArgs, ports);
    instances.push(d);
    return d;
  };
}
