// The coordinator's Raft member: a RaftNode running the ClusterStateMachine, persisted under
// `<data-dir>/raft/`, its transport on --coordinator-address:--coordinator-port.
//
// Membership, the Memgraph way (reference §3.13): nobody is a member at first. A fresh
// coordinator (empty Raft directory, no members, no leader) that is asked to change the
// cluster bootstraps a one-member cluster of itself and leads it; every other coordinator
// joins when a leader adds it (`ADD COORDINATOR` → state command, then an addNode
// membership change) and learns everything, membership included, from the log. A fresh
// coordinator never elects itself on its own, so two coordinators cannot both found a
// cluster unless a user runs setup statements on both.
//
// Peer addresses are the `coordinator_server`s of the cluster state (kept in
// `raft/peers.json` as well, so that a restarted member can reach its peers before it has
// replayed the log); a member that does not know a sender yet answers on the sender's
// connection (raft/transport.ts).

import fs from 'node:fs';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { RaftNode, type RaftStatus } from './raft/node.js';
import { TcpTransport, type PeerAddress, type Transport } from './raft/transport.js';
import type { ConfChange, Message, NodeId, Role } from './raft/types.js';
import { ClusterStateMachine } from './state-machine.js';
import { encodeCommand } from './state-codec.js';
import type { MghaError } from '../errors.js';
import type { ClusterCommand, ClusterState } from './types.js';

export interface RaftTiming {
  tickMs: number;
  electionTicks: number;
  heartbeatTicks: number;
}

/** Raft timing from one election timeout: 20 ticks to an election, a heartbeat every 2. */
export function raftTiming(electionTimeoutMs: number): RaftTiming {
  const tickMs = Math.max(5, Math.floor(electionTimeoutMs / 20));
  return { tickMs, electionTicks: 20, heartbeatTicks: 2 };
}

export interface RaftHostOptions {
  id: NodeId;
  dataDirectory: string;
  /** Where the Raft transport listens. */
  listen: PeerAddress;
  timing: RaftTiming;
  logger: Logger;
}

/** "host:port" (the host may be a name); null when malformed. */
export function parseHostPort(address: string): PeerAddress | null {
  const colon = address.lastIndexOf(':');
  if (colon <= 0) return null;
  const port = Number(address.slice(colon + 1));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return null;
  return { host: address.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port };
}

/** The transport as the RaftNode sees it: closing a RaftNode must not close the listener. */
class SharedTransport implements Transport {
  private handler: (m: Message) => void = () => undefined;
  constructor(
    private readonly inner: TcpTransport,
    onHeard: (from: NodeId) => void,
  ) {
    inner.onMessage((m) => {
      onHeard(m.from);
      this.handler(m);
    });
  }
  send(m: Message): void {
    this.inner.send(m);
  }
  onMessage(handler: (m: Message) => void): void {
    this.handler = handler;
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

export interface RaftHostEvents {
  role: [role: Role, term: number];
  applied: [state: ClusterState];
}

export class RaftHost extends EventEmitter<RaftHostEvents> {
  readonly stateMachine = new ClusterStateMachine();
  private readonly transport: TcpTransport;
  private readonly shared: SharedTransport;
  private node: RaftNode;
  private readonly dir: string;
  private readonly peersFile: string;
  private readonly peers = new Map<NodeId, PeerAddress>();
  /** Epoch ms of the last message from each peer: coordinator health on the leader. */
  private readonly lastHeard = new Map<NodeId, number>();
  private electionsTotal = 0;
  private bootstrapping: Promise<void> | null = null;

  constructor(private readonly opts: RaftHostOptions) {
    super();
    this.dir = path.join(opts.dataDirectory, 'raft');
    fs.mkdirSync(this.dir, { recursive: true });
    this.peersFile = path.join(this.dir, 'peers.json');
    this.loadPeers();
    this.transport = new TcpTransport(this.peers, () => Date.now());
    this.shared = new SharedTransport(this.transport, (from) => this.lastHeard.set(from, Date.now()));
    this.stateMachine.onApplied((state) => {
      this.learnPeers(state);
      this.emit('applied', state);
    });
    this.node = this.createNode([]);
  }

  async start(): Promise<void> {
    await this.transport.listen(this.opts.listen);
    this.learnPeers(this.stateMachine.state);
    this.transport.connectAll(this.opts.id);
    this.node.start();
  }

  get id(): NodeId {
    return this.opts.id;
  }

  get state(): ClusterState {
    return this.stateMachine.state;
  }

  status(): RaftStatus {
    return this.node.status();
  }

  isLeader(): boolean {
    return this.node.status().role === 'leader';
  }

  /** The known leader (0: none). */
  leader(): NodeId {
    const s = this.node.status();
    return s.role === 'leader' ? s.id : s.lead;
  }

  elections(): number {
    return this.electionsTotal;
  }

  lastHeardFrom(id: NodeId): number | undefined {
    return this.lastHeard.get(id);
  }

  /** Never a member, never heard of a cluster: may found one. */
  isFresh(): boolean {
    const s = this.node.status();
    return s.voters.length === 0 && s.commit === 0 && s.term === 0 && s.lead === 0;
  }

  /**
   * Founds a one-member cluster of this coordinator and waits until it leads it. Only for a
   * fresh coordinator (see the top of the file); a no-op otherwise.
   */
  async bootstrap(timeoutMs: number): Promise<void> {
    if (this.bootstrapping === null) {
      this.bootstrapping = (async () => {
        if (!this.isFresh()) return;
        this.opts.logger.info({ coordinatorId: this.opts.id }, 'founding a one-member coordinator cluster');
        const old = this.node;
        await old.stop();
        this.node = this.createNode([this.opts.id]);
        this.node.start();
        this.node.campaign();
      })().finally(() => {
        this.bootstrapping = null;
      });
    }
    await this.bootstrapping;
    const deadline = Date.now() + timeoutMs;
    while (!this.isLeader() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }

  /**
   * Proposes a command; resolves with the error `apply` gave it (null: applied with effect)
   * once it is applied here. Rejects when Raft did not commit it (not leader, dropped, timeout).
   */
  async propose(command: ClusterCommand): Promise<MghaError | null> {
    const index = await this.node.propose(encodeCommand(command));
    return this.stateMachine.takeOutcome(index) ?? null;
  }

  async proposeConfChange(cc: ConfChange): Promise<void> {
    await this.node.proposeConfChange(cc);
  }

  /** Linearizable read barrier (on any member with a leader). */
  readIndex(): Promise<number> {
    return this.node.readIndex();
  }

  transferLeadership(to: NodeId): void {
    this.node.transferLeadership(to);
  }

  async stop(): Promise<void> {
    await this.node.stop();
    await this.transport.close();
  }

  private createNode(initialMembers: NodeId[]): RaftNode {
    const node = new RaftNode({
      id: this.opts.id,
      initialMembers,
      dir: this.dir,
      transport: this.shared,
      stateMachine: this.stateMachine,
      ...this.opts.timing,
      // Memgraph's client request timeout is 3 s; a commit that takes longer is unknown.
      requestTimeoutMs: Math.max(3000, this.opts.timing.tickMs * this.opts.timing.electionTicks * 3),
      logger: this.opts.logger,
    });
    node.on('role', (role: Role, term: number) => {
      if (role === 'candidate') this.electionsTotal++;
      this.emit('role', role, term);
    });
    return node;
  }

  private learnPeers(state: ClusterState): void {
    let changed = false;
    for (const c of state.coordinators) {
      if (c.id === this.opts.id) continue;
      const address = parseHostPort(c.coordinatorServer);
      if (address === null) continue;
      const old = this.peers.get(c.id);
      if (old?.host === address.host && old.port === address.port) continue;
      this.transport.setPeer(c.id, address);
      changed = true;
    }
    if (changed) this.savePeers();
  }

  private loadPeers(): void {
    try {
      const raw = JSON.parse(fs.readFileSync(this.peersFile, 'utf8')) as unknown;
      if (!Array.isArray(raw)) return;
      for (const p of raw as unknown[]) {
        if (typeof p !== 'object' || p === null) continue;
        const { id, host, port } = p as Record<string, unknown>;
        if (typeof id === 'number' && typeof host === 'string' && typeof port === 'number') this.peers.set(id, { host, port });
      }
    } catch {
      // No address book yet: the log (or the leader's connection) provides one.
    }
  }

  private savePeers(): void {
    const list = [...this.peers].map(([id, a]) => ({ id, host: a.host, port: a.port }));
    const tmp = `${this.peersFile}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(list));
    fs.renameSync(tmp, this.peersFile);
  }
}
