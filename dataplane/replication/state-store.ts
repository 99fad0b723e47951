// Role, main UUID and registrations in `<data-directory>/replication/state.json`
// (Memgraph keeps `__replication_role` and `__replication_replica:<name>` in a key-value
// store in the same directory), replaced atomically on every change.

import path from 'node:path';
import { readVersionedJson, writeJsonAtomic } from '../durability/files.js';
import type { PersistedReplicationState, ReplicaRegistration } from './types.js';

const FILE_VERSION = 1;

export function stateFile(dataDirectory: string): string {
  return path.join(dataDirectory, 'replication', 'state.json');
}

function isRegistration(r: unknown): r is ReplicaRegistration {
  const x = r as Record<string, unknown>;
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof x.name === 'string' &&
    (x.mode === 'sync' || x.mode === 'async' || x.mode === 'strict_sync') &&
    typeof x.address === 'string' &&
    typeof x.host === 'string' &&
    Number.isInteger(x.port)
  );
}

/** The saved state, or null when there is none; a malformed file is an error. */
export function loadReplicationState(file: string): PersistedReplicationState | null {
  const d = readVersionedJson(file, FILE_VERSION);
  if (d === null) return null;
  const ok =
    (d.role === 'main' || d.role === 'replica') &&
    (d.port === null || Number.isInteger(d.port)) &&
    (d.mainUuid === null || typeof d.mainUuid === 'string') &&
    Array.isArray(d.replicas) &&
    d.replicas.every(isRegistration);
  if (!ok) throw new Error(`${file}: malformed replication state`);
  return { role: d.role, port: d.port, mainUuid: d.mainUuid, replicas: d.replicas } as PersistedReplicationState;
}

/** Atomic replace: temp file, fsync, rename, fsync the directory. */
export function saveReplicationState(file: string, state: PersistedReplicationState): void {
  writeJsonAtomic(file, { version: FILE_VERSION, ...state });
}
