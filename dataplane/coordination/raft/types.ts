// Raft's records: what the core takes in (messages, ticks), what it hands out (Ready), and
// what must be durable (hard state, entries, snapshots). Shaped after etcd-io/raft's raftpb.

/** A member's id; 0 means "nobody" (no leader, no vote). Ids are never reused. */
export type NodeId = number;
export const NONE: NodeId = 0;

export type Role = 'follower' | 'preCandidate' | 'candidate' | 'leader';

export type EntryType = 'normal' | 'confChange';

export interface Entry {
  term: number;
  index: number;
  type: EntryType;
  /** Opaque to Raft. Empty for the leader's no-op; an encoded ConfChange for 'confChange'. */
  data: Uint8Array;
}

/** One member added or removed; changes take effect when the entry is applied, one at a time. */
export interface ConfChange {
  type: 'addNode' | 'removeNode';
  nodeId: NodeId;
}

export interface ConfState {
  voters: NodeId[];
}

/** Must be durable, in one atomic write, before any message of the same Ready is sent. */
export interface HardState {
  term: number;
  vote: NodeId;
  commit: number;
}

export interface SnapshotMetadata {
  index: number;
  term: number;
  conf: ConfState;
}

export interface Snapshot {
  metadata: SnapshotMetadata;
  /** The state machine at metadata.index, encoded by the application. */
  data: Uint8Array;
}

export type MessageType =
  // Local messages: never sent over the wire.
  | 'hup' // start an election (pre-vote first when enabled)
  | 'checkQuorum' // leader: step down unless a quorum was heard from recently
  // Between peers.
  | 'app'
  | 'appResp'
  | 'vote'
  | 'voteResp'
  | 'preVote'
  | 'preVoteResp'
  | 'snap'
  | 'heartbeat'
  | 'heartbeatResp'
  | 'readIndex'
  | 'readIndexResp'
  | 'timeoutNow';

export interface Message {
  type: MessageType;
  from: NodeId;
  to: NodeId;
  term: number;
  /** app: term of the entry at `index` (the entry before `entries`); vote: the candidate's last term. */
  logTerm: number;
  /** app: index of the entry before `entries`; appResp: last index matched (or rejected at); vote: last index. */
  index: number;
  entries: Entry[];
  commit: number;
  reject: boolean;
  /** appResp reject: the follower's last index at or below `index` whose term is ≤ `logTerm` of this hint. */
  rejectHint: number;
  /** appResp reject: term of the follower's entry at `rejectHint` (fast back-off). */
  hintTerm: number;
  snapshot?: Snapshot;
  /** ReadIndex request id, echoed by heartbeats; 'transfer' on a vote forced by leader transfer. */
  context: string;
}

/** A ReadIndex result: once applied ≥ index, a read with this ctx may be served locally. */
export interface ReadState {
  index: number;
  ctx: string;
}

export interface SoftState {
  lead: NodeId;
  role: Role;
}

/**
 * What the caller must do, in this order, then call advance():
 * 1. persist `snapshot` (if any), then `entries` (dropping persisted entries with index ≥ the
 *    first new one), then `hardState`: fsync when `mustSync`;
 * 2. send `messages` (only now: they promise votes and entries step 1 made durable);
 * 3. apply `snapshot` and then `committedEntries` to the state machine (calling
 *    applyConfChange for 'confChange' entries); serve `readStates` once applied ≥ their index.
 */
export interface Ready {
  softState?: SoftState;
  hardState?: HardState;
  entries: Entry[];
  snapshot?: Snapshot;
  committedEntries: Entry[];
  messages: Message[];
  readStates: ReadState[];
  /** False when only the commit index changed: losing it on a crash is harmless. */
  mustSync: boolean;
}

export function message(fields: Partial<Message> & Pick<Message, 'type'>): Message {
  return {
    from: NONE,
    to: NONE,
    term: 0,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
    hintTerm: 0,
    context: '',
    ...fields,
  };
}

export function hardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

export const EMPTY_DATA = new Uint8Array(0);

export function encodeConfChange(cc: ConfChange): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(cc));
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  const v: unknown = JSON.parse(new TextDecoder().decode(data));
  if (typeof v !== 'object' || v === null) throw new Error('bad conf change');
  const { type, nodeId } = v as Record<string, unknown>;
  if ((type !== 'addNode' && type !== 'removeNode') || typeof nodeId !== 'number') throw new Error('bad conf change');
  return { type, nodeId };
}
