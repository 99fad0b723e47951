// The coordinator process (reference §3, DESIGN §4): its Raft member (raft-host.ts), the
// leader loop (leader-loop.ts), the coordinator statements, the coordinator ↔ coordinator
// RPC server on --management-port, Bolt ROUTE, and the /v1/cluster document.
//
// Statements: the leader checks (cluster-state `check`), proposes through Raft and answers
// once the command is applied, then wakes its loop so data instances follow at once. A
// follower hands every statement but SHOW INSTANCE to the leader (ForwardStatement) and
// relays its answer; without a reachable leader, SHOW INSTANCES answers zero rows and
// LeaderNotReachable, and changes fail with Memgraph's texts. A fresh coordinator that is
// asked to change the cluster founds it (raft-host.ts says why that is safe).

import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { Codes, MghaError, toMghaError, type ErrorCode } from '../errors.js';
import type { Notification } from '../notifications.js';
import type { AdminContext, AdminResult } from '../query/admin-registry.js';
import { InTransaction } from '../query/admin-registry.js';
import type { CoordinatorStatement } from '../query/admin-ast.js';
import { COORDINATOR_STATEMENT_KINDS, isCoordinatorStatement } from './coordinator-only.js';
import type { QueryEngine } from '../query/engine.js';
import type { RoutingProvider, RoutingTable as BoltRoutingTable } from '../bolt/session.js';
import { RpcClient } from '../rpc/client.js';
import { RpcServer } from '../rpc/server.js';
import type { Value } from '../values/model.js';
import { check } from './cluster-state.js';
import { clusterDocumentBody, type ClusterDocument, type ClusterDocumentBody } from './cluster-document.js';
import { ClusterPublisher } from './cluster-publisher.js';
import { readInitQueries, runInitQueries } from './init-queries.js';
import { mainLag, replicaLag } from './lag.js';
import { ClusterView, ForwardStatement, type ForwardAnswer } from './coordinator-rpc.js';
import { registerCoordinatorMetrics } from './coordinator-metrics.js';
import { DataInstanceClients } from './data-instance-clients.js';
import { healthOf } from './health.js';
import { LeaderLoop } from './leader-loop.js';
import { Texts, notLeader, raftWriteFailed, refusal } from './messages.js';
import { RaftHost, parseHostPort, type RaftTiming } from './raft-host.js';
import { routingTable, routingTableRows, ROUTING_TABLE_COLUMNS, type RoutingTable } from './routing-table.js';
import { showCoordinatorSettings, showInstance, showInstances, showReplicationLag, type LeaderSnapshot } from './show.js';
import { commandFor, isMutating, successNotifications } from './statements.js';
import type { ClusterState, Health } from './types.js';

export interface CoordinatorOptions {
  id: number;
  dataDirectory: string;
  /** Host name other coordinators and SHOW INSTANCE use for this one. */
  hostname: string;
  coordinatorAddress: string;
  coordinatorPort: number;
  managementAddress: string;
  managementPort: number;
  timing: RaftTiming;
  routingTtlSec: number;
  engine: QueryEngine;
  registry: Registry;
  log: Logger;
}

/** How long a statement waits for the data instances to be told (best effort; reconciliation retries). */
const FOLLOW_UP_MS = 3000;

const ERROR_CODES = new Set<string>(Object.values(Codes));

function errorFrom(code: string, message: string): MghaError {
  return new MghaError(ERROR_CODES.has(code) ? (code as ErrorCode) : Codes.MemgraphClientError, message);
}

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  return Promise.race([p, new Promise<void>((resolve) => setTimeout(resolve, ms).unref())]);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class Coordinator {
  readonly host: RaftHost;
  private readonly loop: LeaderLoop;
  private readonly clients = new DataInstanceClients();
  private readonly rpc: RpcServer;
  private readonly peerClients = new Map<string, RpcClient>();
  private leaderSince = 0;
  private readonly publisher = new ClusterPublisher(() => this.body());
  private stopped = false;

  private constructor(private readonly opts: CoordinatorOptions) {
    this.host = new RaftHost({
      id: opts.id,
      dataDirectory: opts.dataDirectory,
      listen: { host: opts.coordinatorAddress, port: opts.coordinatorPort },
      timing: opts.timing,
      logger: opts.log,
    });
    const metrics = registerCoordinatorMetrics(opts.registry, {
      raft: () => this.host.status(),
      elections: () => this.host.elections(),
      instances: () => {
        const view = this.host.isLeader() ? this.loop.view() : null;
        return this.host.state.instances.map((i) => ({ name: i.name, role: i.role, health: view?.ready ? (view.instanceHealth.get(i.name) ?? null) : null }));
      },
    });
    this.loop = new LeaderLoop(this.host, this.clients, metrics, opts.log);
    this.host.on('role', (role) => {
      if (role === 'leader') {
        this.leaderSince = Date.now();
        this.loop.becameLeader();
      } else {
        this.loop.stepDown();
      }
    });
    this.rpc = new RpcServer({ host: opts.managementAddress, port: opts.managementPort, logger: opts.log })
      .handle(ForwardStatement, ({ text, params }) => this.answerForwarded(text, params))
      .handle(ClusterView, () => {
        if (!this.host.isLeader()) throw refusal(Texts.leaderNotFound);
        return { json: JSON.stringify(this.leaderBody()) };
      });
    this.registerStatements(opts.engine);
  }

  static async start(opts: CoordinatorOptions): Promise<Coordinator> {
    const c = new Coordinator(opts);
    await c.host.start();
    await c.rpc.listen();
    return c;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.publisher.stop();
    this.loop.stepDown();
    await this.rpc.close();
    for (const client of this.peerClients.values()) client.close();
    this.clients.closeAll();
    await this.host.stop();
  }

  // ---- statements ---------------------------------------------------------------------------

  private registerStatements(engine: QueryEngine): void {
    for (const kind of COORDINATOR_STATEMENT_KINDS) {
      engine.admin.register(
        kind,
        (stmt, ctx) => this.execute(stmt as CoordinatorStatement, ctx, false),
        { refusedInTransaction: InTransaction.coordinator },
      );
    }
  }

  /**
   * Runs a statement here (leader), or hands it to the leader (follower). A client's change
   * on a fresh coordinator founds the cluster (Memgraph: every coordinator starts as the
   * leader of itself); init queries found it only with this coordinator's own ADD
   * COORDINATOR, so that one file given to every coordinator founds one cluster.
   */
  async execute(
    stmt: CoordinatorStatement,
    ctx: Pick<AdminContext, 'text' | 'params'>,
    forwarded: boolean,
    origin: 'client' | 'init' = 'client',
  ): Promise<AdminResult> {
    if (stmt.kind === 'ShowInstance') {
      return showInstance({
        id: this.opts.id,
        coordinatorServer: `${this.opts.hostname}:${this.opts.coordinatorPort}`,
        managementServer: `${this.opts.hostname}:${this.opts.managementPort}`,
        leaderId: this.host.leader() || null,
        state: this.host.state,
      });
    }
    const mayFound = origin === 'client' ? isMutating(stmt) : stmt.kind === 'AddCoordinator' && stmt.id === this.opts.id;
    if (!this.host.isLeader() && !forwarded && mayFound && this.host.isFresh()) {
      await this.host.bootstrap(5000);
    }
    if (this.host.isLeader()) return this.onLeader(stmt, ctx);
    if (forwarded) return this.withoutLeader(stmt, false);
    return this.forward(stmt, ctx);
  }

  private async forward(stmt: CoordinatorStatement, ctx: Pick<AdminContext, 'text' | 'params'>): Promise<AdminResult> {
    const leaderId = this.host.leader();
    const leader = this.host.state.coordinators.find((c) => c.id === leaderId);
    if (leaderId === 0 || leader === undefined) return this.withoutLeader(stmt, false);
    let answer: ForwardAnswer;
    try {
      answer = await this.peerClient(leader.managementServer).call(ForwardStatement, { text: ctx.text, params: new Map(ctx.params) });
    } catch {
      return this.withoutLeader(stmt, true);
    }
    if (answer.errorCode !== '') throw errorFrom(answer.errorCode, answer.errorMessage);
    const notifications: Notification[] = answer.notifications.map((n) => ({
      severity: n.severity === 'WARNING' ? 'WARNING' : 'INFO',
      code: n.code,
      title: n.title,
      ...(n.description === '' ? {} : { description: n.description }),
    }));
    return { columns: answer.columns, rows: answer.rows, ...(notifications.length > 0 ? { notifications } : {}) };
  }

  /** A follower that cannot reach a leader: what Memgraph answers then. */
  private withoutLeader(stmt: CoordinatorStatement, leaderKnown: boolean): AdminResult {
    const state = this.host.state;
    switch (stmt.kind) {
      case 'ShowInstances':
        return showInstances(null);
      case 'ShowReplicationLag':
        return showReplicationLag(state, 'leader_not_ready');
      case 'ShowCoordinatorSettings':
        // Settings are replicated: the last known ones.
        return showCoordinatorSettings(state);
      case 'ShowRoutingTable':
        return { columns: ROUTING_TABLE_COLUMNS, rows: routingTableRows(this.table(state, null)) };
      default:
        if (leaderKnown) throw refusal(Texts.leaderNotFound);
        throw notLeader(stmt.kind, null);
    }
  }

  private async answerForwarded(text: string, params: Value): Promise<ForwardAnswer> {
    const empty = { columns: [], rows: [], notifications: [] };
    try {
      const prepared = this.opts.engine.prepare(text);
      if (prepared.kind !== 'admin' || !isCoordinatorStatement(prepared.stmt)) throw refusal('Coordinator can run only coordinator queries!');
      const paramMap = params instanceof Map ? params : new Map<string, Value>();
      const r = await this.execute(prepared.stmt, { text, params: paramMap }, true);
      return {
        errorCode: '',
        errorMessage: '',
        columns: r.columns,
        rows: r.rows,
        notifications: (r.notifications ?? []).map((n) => ({ severity: n.severity, code: n.code, title: n.title, description: n.description ?? '' })),
      };
    } catch (e) {
      const err = toMghaError(e);
      return { ...empty, errorCode: err.code, errorMessage: err.message };
    }
  }

  private async onLeader(stmt: CoordinatorStatement, ctx: Pick<AdminContext, 'text' | 'params'>): Promise<AdminResult> {
    const state = this.host.state;
    switch (stmt.kind) {
      case 'ShowInstances':
        return showInstances(this.leaderSnapshot());
      case 'ShowReplicationLag':
        return showReplicationLag(state, mainLag(state, this.loop.view()));
      case 'ShowRoutingTable':
        return { columns: ROUTING_TABLE_COLUMNS, rows: routingTableRows(this.table(state, null)) };
      case 'ShowCoordinatorSettings':
        return showCoordinatorSettings(state);
      case 'ForceResetClusterState':
        await withTimeout(this.loop.forceReset(), FOLLOW_UP_MS * 2);
        return { columns: [], rows: [], notifications: successNotifications(stmt, null) };
      case 'YieldLeadership': {
        const target = this.bestFollower();
        if (target !== null) this.host.transferLeadership(target);
        return { columns: [], rows: [], notifications: successNotifications(stmt, null) };
      }
      case 'ShowInstance':
        // Answered before forwarding; here for exhaustiveness.
        return this.execute(stmt, ctx, true);
      default:
        return this.change(stmt, ctx);
    }
  }

  /** A mutating statement on the leader: check, propose, wait for it to apply, then act. */
  private async change(stmt: Extract<CoordinatorStatement, { kind: Parameters<typeof commandFor>[0]['kind'] }>, ctx: Pick<AdminContext, 'params'>): Promise<AdminResult> {
    const command = commandFor(stmt, ctx.params, randomUUID);
    if (command instanceof MghaError) throw command;
    const refused = check(this.host.state, command, { isUp: (n) => this.loop.isUp(n), leaderId: this.opts.id });
    if (refused !== null) throw refused;
    let outcome: MghaError | null;
    try {
      outcome = await this.host.propose(command);
    } catch (e) {
      this.opts.log.warn({ err: e, command }, 'proposal not committed');
      throw raftWriteFailed();
    }
    if (outcome !== null) throw outcome;
    if (command.kind === 'AddCoordinator') await this.ensureVoter(command.id, 'addNode');
    if (command.kind === 'RemoveCoordinator') await this.ensureVoter(command.id, 'removeNode');
    await withTimeout(this.loop.kick(), FOLLOW_UP_MS);
    return { columns: [], rows: [], notifications: successNotifications(stmt, command) };
  }

  /** Raft membership after ADD/REMOVE COORDINATOR (the loop retries an add that fails here). */
  private async ensureVoter(id: number, type: 'addNode' | 'removeNode'): Promise<void> {
    const deadline = Date.now() + FOLLOW_UP_MS;
    while (Date.now() < deadline && this.host.isLeader()) {
      const isVoter = this.host.status().voters.includes(id);
      if ((type === 'addNode') === isVoter) return;
      try {
        await this.host.proposeConfChange({ type, nodeId: id });
        return;
      } catch {
        // A change in progress (e.g. this term's no-op not applied yet): try again shortly.
        await sleep(50);
      }
    }
  }

  private bestFollower(): number | null {
    const now = Date.now();
    let best: { id: number; heard: number } | null = null;
    for (const id of this.host.status().voters) {
      if (id === this.opts.id) continue;
      const heard = this.host.lastHeardFrom(id) ?? 0;
      if (now - heard < 2000 && (best === null || heard > best.heard)) best = { id, heard };
    }
    return best?.id ?? null;
  }

  // ---- what the leader knows ----------------------------------------------------------------

  private coordinatorHealth(now: number, state: ClusterState): Map<number, Health> {
    const out = new Map<number, Health>();
    for (const c of state.coordinators) {
      if (c.id === this.opts.id) continue;
      const heard = this.host.lastHeardFrom(c.id);
      out.set(c.id, healthOf({ lastSuccessAt: heard !== undefined && heard >= this.leaderSince ? heard : null, watchedSince: this.leaderSince }, now, state.settings.instance_down_timeout_sec));
    }
    return out;
  }

  /** Null until the leader is ready (Memgraph: only a ready leader answers SHOW INSTANCES). */
  private leaderSnapshot(): LeaderSnapshot | null {
    const view = this.loop.view();
    if (!view.ready) return null;
    const state = this.host.state;
    return { state, leaderId: this.opts.id, coordinatorHealth: this.coordinatorHealth(Date.now(), state), instanceHealth: view.instanceHealth };
  }

  /** Cached lag per replica (leader only; a follower knows none, so every replica is readable). */
  private replicaLag(state: ClusterState): Map<string, number> {
    return this.host.isLeader() ? replicaLag(state, this.loop.view().reports) : new Map();
  }

  private table(state: ClusterState, db: string | null): RoutingTable {
    return routingTable({ state, replicaLag: this.replicaLag(state), db, ttlSec: this.opts.routingTtlSec });
  }

  /** Bolt ROUTE: from the replicated state (every coordinator has it; the leader adds lag). */
  routing(): RoutingProvider {
    return {
      routingTable: (db): BoltRoutingTable => {
        const t = this.table(this.host.state, db);
        const of = (role: string): string[] => t.servers.find((s) => s.role === role)?.addresses ?? [];
        return { ttlSeconds: t.ttl, routers: of('ROUTE'), readers: of('READ'), writers: of('WRITE') };
      },
    };
  }

  // ---- /v1/cluster --------------------------------------------------------------------------

  private leaderBody(): ClusterDocumentBody {
    const state = this.host.state;
    const view = this.loop.view();
    const committed = new Map<string, number>();
    for (const [name, r] of view.reports) committed.set(name, r.lastCommitTs);
    return clusterDocumentBody({
      state,
      leader: { id: this.opts.id, term: this.host.status().term },
      ready: view.ready,
      coordinatorHealth: view.ready ? this.coordinatorHealth(Date.now(), state) : null,
      instanceHealth: view.ready ? view.instanceHealth : null,
      committedTxns: committed,
    });
  }

  private async body(): Promise<ClusterDocumentBody> {
    if (this.host.isLeader()) return this.leaderBody();
    const leaderId = this.host.leader();
    const leader = this.host.state.coordinators.find((c) => c.id === leaderId);
    if (leader !== undefined) {
      try {
        const { json } = await this.peerClient(leader.managementServer).call(ClusterView, {});
        return JSON.parse(json) as ClusterDocumentBody;
      } catch {
        // Unreachable leader: what this follower knows, marked not ready.
      }
    }
    return clusterDocumentBody({
      state: this.host.state,
      leader: leaderId === 0 ? null : { id: leaderId, term: this.host.status().term },
      ready: false,
      coordinatorHealth: null,
      instanceHealth: null,
      committedTxns: new Map(),
    });
  }

  /** GET /v1/cluster. */
  clusterDocument(): Promise<ClusterDocument> {
    return this.publisher.current();
  }

  /** GET /v1/cluster?watch=true&sinceVersion=N. */
  watchCluster(sinceVersion: number, timeoutSec: number): Promise<ClusterDocument> {
    return this.publisher.watch(sinceVersion, timeoutSec);
  }

  // ---- MEMGRAPH_HA_CLUSTER_INIT_QUERIES -----------------------------------------------------

  async runInitQueries(file: string, retryMs = 60_000): Promise<void> {
    await runInitQueries(
      readInitQueries(file),
      async (text) => {
        const prepared = this.opts.engine.prepare(text);
        if (prepared.kind !== 'admin' || !isCoordinatorStatement(prepared.stmt)) throw refusal('Coordinator can run only coordinator queries!');
        await this.execute(prepared.stmt, { text, params: new Map() }, false, 'init');
      },
      this.opts.log,
      { retryMs, stopped: () => this.stopped },
    );
  }

  private peerClient(managementServer: string): RpcClient {
    let client = this.peerClients.get(managementServer);
    if (client === undefined) {
      const address = parseHostPort(managementServer);
      if (address === null) throw new Error(`bad management_server ${managementServer}`);
      client = new RpcClient({ host: address.host, port: address.port, connectTimeoutMs: 1000 });
      this.peerClients.set(managementServer, client);
    }
    return client;
  }
}
