// How the driver reaches its peers. Raft tolerates loss, so send() is fire-and-forget: a
// message for a peer that is down is dropped and Raft's own retries (heartbeats, probes) recover.
// TcpTransport is a stand-in until the framed RPC module (dataplane/rpc/) lands: one outbound
// connection per peer, length-prefixed checksummed frames (framing.ts), reconnect on demand.
// Peers may be added while running (coordinators learn addresses from the cluster state), and
// a member that does not know a sender's address yet (one just added, still replaying the log
// that names its peers) answers on the connection the sender opened; both directions of a
// connection carry frames.

import net from 'node:net';
import { decodeMessage, encodeMessage } from './codec.js';
import { frame, readFrames } from './framing.js';
import type { Message, NodeId } from './types.js';

export interface Transport {
  send(m: Message): void;
  /** Called for every message received from a peer. */
  onMessage(handler: (m: Message) => void): void;
  close(): Promise<void>;
}

export interface PeerAddress {
  host: string;
  port: number;
}

/** Beyond this much unsent data a link is considered stalled and new messages are dropped. */
const MAX_BUFFERED = 8 << 20;
const RECONNECT_MS = 50;

interface Link {
  socket: net.Socket | undefined;
  lastAttempt: number;
}

/** Delivers every complete frame of a socket's byte stream; a corrupt stream ends the socket. */
function readMessages(socket: net.Socket, deliver: (m: Message) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    const { payloads, end, corrupt } = readFrames(pending);
    pending = pending.subarray(end);
    for (const p of payloads) {
      let m: Message;
      try {
        m = decodeMessage(p);
      } catch {
        socket.destroy();
        return;
      }
      deliver(m);
    }
    if (corrupt) socket.destroy();
  });
}

export class TcpTransport implements Transport {
  private handler: (m: Message) => void = () => undefined;
  private readonly links = new Map<NodeId, Link>();
  private readonly inbound = new Set<net.Socket>();
  private server: net.Server | undefined;
  /** The latest inbound connection each sender used: the way back to a peer of unknown address. */
  private readonly replyVia = new Map<NodeId, net.Socket>();

  constructor(
    private readonly peers: Map<NodeId, PeerAddress>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Listens for peers; resolves once bound. */
  listen(address: PeerAddress): Promise<void> {
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(address.port, address.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  onMessage(handler: (m: Message) => void): void {
    this.handler = handler;
  }

  send(m: Message): void {
    const link = this.link(m.to);
    // A socket still connecting queues the write: a pre-vote to a peer we never talked to
    // must not be lost to connection setup (it would cost a whole election timeout).
    const socket = link?.socket ?? this.replyVia.get(m.to);
    if (socket === undefined || socket.destroyed) return;
    if (socket.writableLength > MAX_BUFFERED) return;
    socket.write(frame(encodeMessage(m)));
  }

  /** Adds or moves a peer (a new address takes effect at the next connection). */
  setPeer(id: NodeId, address: PeerAddress): void {
    const old = this.peers.get(id);
    if (old !== undefined && old.host === address.host && old.port === address.port) return;
    this.peers.set(id, address);
    const link = this.links.get(id);
    if (link?.socket !== undefined) link.socket.destroy();
  }

  /** Opens links to every peer up front, so the first message of an election finds them ready. */
  connectAll(self: NodeId): void {
    for (const id of this.peers.keys()) if (id !== self) this.link(id);
  }

  private link(to: NodeId): Link | undefined {
    const address = this.peers.get(to);
    if (address === undefined) return undefined;
    let link = this.links.get(to);
    if (link === undefined) {
      link = { socket: undefined, lastAttempt: -Infinity };
      this.links.set(to, link);
    }
    if (link.socket === undefined && this.now() - link.lastAttempt >= RECONNECT_MS) {
      link.lastAttempt = this.now();
      const socket = net.connect({ host: address.host, port: address.port });
      const l = link;
      l.socket = socket;
      socket.setNoDelay(true);
      // A peer that does not know our address yet answers on this connection.
      readMessages(socket, (m) => this.handler(m));
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        l.socket = undefined;
      });
    }
    return link;
  }

  private accept(socket: net.Socket): void {
    this.inbound.add(socket);
    socket.setNoDelay(true);
    readMessages(socket, (m) => {
      this.replyVia.set(m.from, socket);
      this.handler(m);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.inbound.delete(socket);
      for (const [id, s] of this.replyVia) if (s === socket) this.replyVia.delete(id);
    });
  }

  async close(): Promise<void> {
    for (const link of this.links.values()) link.socket?.destroy();
    for (const s of this.inbound) s.destroy();
    const server = this.server;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
