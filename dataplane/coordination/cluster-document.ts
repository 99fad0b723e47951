// The `/v1/cluster` document (DESIGN §4), the contract the operator reads. Field names and
// shapes exactly as DESIGN.md fixes them. `committedTxns` is an instance's last commit
// timestamp as last reported (timestamps are contiguous, so it counts transactions);
// `lagTxns` is the MAIN's committedTxns minus the instance's, never negative (a replica
// ahead of its MAIN will be reset to it). Both are null while unknown (never reported).
// `version` increases whenever anything but `lastResponseMs` changes, so a watch wakes on
// role, health, lag or membership changes and not on every health check.

import { currentMain } from './cluster-state.js';
import { coordinatorName } from './show.js';
import type { ClusterState, FailoverRecord, Health, ReplicationMode } from './types.js';

export interface ClusterDocumentInstance {
  name: string;
  role: 'main' | 'replica';
  /** `unknown` when the answering coordinator knows no ready leader. */
  health: 'up' | 'down' | 'unknown';
  mode: ReplicationMode;
  boltServer: string;
  lastResponseMs: number | null;
  committedTxns: number | null;
  lagTxns: number | null;
}

export interface ClusterDocumentCoordinator {
  id: number;
  name: string;
  role: 'leader' | 'follower';
  health: 'up' | 'down' | 'unknown';
}

export interface ClusterDocument {
  version: number;
  leader: { id: number; name: string; term: number } | null;
  ready: boolean;
  main: string | null;
  mainUuid: string | null;
  instances: ClusterDocumentInstance[];
  coordinators: ClusterDocumentCoordinator[];
  lastFailover: FailoverRecord | null;
}

export type ClusterDocumentBody = Omit<ClusterDocument, 'version'>;

export interface ClusterDocumentInput {
  state: ClusterState;
  /** The leader as the answering coordinator knows it (null: none known). */
  leader: { id: number; term: number } | null;
  /** The leader is ready (it reconciled after its election) and reachable. */
  ready: boolean;
  /** Null when not known (no ready leader): health is then `unknown`. */
  coordinatorHealth: ReadonlyMap<number, Health> | null;
  instanceHealth: ReadonlyMap<string, Health> | null;
  /** Last reported commit timestamp of each data instance. */
  committedTxns: ReadonlyMap<string, number>;
}

function healthWord(known: ReadonlyMap<string | number, Health> | null, key: string | number): 'up' | 'down' | 'unknown' {
  if (known === null) return 'unknown';
  return known.get(key)?.up ? 'up' : 'down';
}

export function clusterDocumentBody(input: ClusterDocumentInput): ClusterDocumentBody {
  const { state, leader, ready, coordinatorHealth, instanceHealth, committedTxns } = input;
  const main = currentMain(state);
  const mainCommitted = main === null ? undefined : committedTxns.get(main.name);
  const instances = state.instances.map((i): ClusterDocumentInstance => {
    const committed = committedTxns.get(i.name);
    const lag = committed === undefined ? null : i.role === 'main' ? 0 : mainCommitted === undefined ? null : Math.max(0, mainCommitted - committed);
    return {
      name: i.name,
      role: i.role,
      health: healthWord(instanceHealth, i.name),
      mode: i.mode,
      boltServer: i.boltServer,
      lastResponseMs: instanceHealth?.get(i.name)?.lastSuccMs ?? null,
      committedTxns: committed ?? null,
      lagTxns: lag,
    };
  });
  const coordinators = state.coordinators.map(
    (c): ClusterDocumentCoordinator => ({
      id: c.id,
      name: coordinatorName(c.id),
      role: leader !== null && c.id === leader.id ? 'leader' : 'follower',
      health: leader !== null && c.id === leader.id && ready ? 'up' : healthWord(coordinatorHealth, c.id),
    }),
  );
  return {
    leader: leader === null ? null : { id: leader.id, name: coordinatorName(leader.id), term: leader.term },
    ready,
    main: main?.name ?? null,
    mainUuid: state.mainUuid,
    instances,
    coordinators,
    lastFailover: state.lastFailover,
  };
}

/** The body without what changes on every health check. */
function versioned(body: ClusterDocumentBody): string {
  return JSON.stringify({ ...body, instances: body.instances.map((i) => ({ ...i, lastResponseMs: null })) });
}

function bodyOf(doc: ClusterDocument): ClusterDocumentBody {
  const { version: _version, ...body } = doc;
  return body;
}

/**
 * The next published document: the version moves on when the body changed beyond
 * `lastResponseMs`. `minVersion` lets the wiring keep versions rising across a change of
 * leader or a restart (e.g. seeded from the Raft commit index).
 */
export function nextClusterDocument(prev: ClusterDocument | null, body: ClusterDocumentBody, minVersion = 0): ClusterDocument {
  const changed = prev === null || versioned(bodyOf(prev)) !== versioned(body);
  const base = prev === null ? 1 : changed ? prev.version + 1 : prev.version;
  return { version: Math.max(base, minVersion), ...body };
}
