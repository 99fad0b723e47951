import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { DurabilityConfig } from '../../../dataplane/durability/durability.js';
import type { InMemoryStorage } from '../../../dataplane/storage/storage.js';
import type { Value } from '../../../dataplane/values/model.js';

const made: string[] = [];

export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-durability-'));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** A logger that keeps its lines for assertions. */
export function memoryLogger(): { log: pino.Logger; lines: () => { level: string; msg: string; [k: string]: unknown }[] } {
  const out: string[] = [];
  const log = pino({ level: 'info', formatters: { level: (label) => ({ level: label }) } }, { write: (s: string) => void out.push(s) });
  return { log, lines: () => out.map((l) => JSON.parse(l) as { level: string; msg: string }) };
}

export function config(dataDirectory: string, overrides: Partial<DurabilityConfig> = {}): DurabilityConfig {
  return {
    dataDirectory,
    walEnabled: true,
    walFileSizeKib: 20480,
    walFileFlushEveryNTx: 1,
    snapshotIntervalSec: 3600,
    snapshotOnExit: false,
    snapshotRetentionCount: 3,
    recoveryOnStartup: true,
    ...overrides,
  };
}

function sortedProps(m: ReadonlyMap<string, Value>): [string, Value][] {
  return [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Canonical dump of everything durability must keep: graph, schema, clock. */
export function canonicalDump(storage: InMemoryStorage): unknown {
  const tx = storage.begin();
  try {
    const vertices = [...tx.vertices()]
      .map((v) => ({ gid: v.gid, labels: [...v.labels()].sort(), props: sortedProps(v.properties()) }))
      .sort((a, b) => a.gid - b.gid);
    const edges = [...tx.vertices()]
      .flatMap((v) => [...v.outEdges()].map((e) => ({ gid: e.gid, from: e.startId, to: e.endId, type: e.type, props: sortedProps(e.properties()) })))
      .sort((a, b) => a.gid - b.gid);
    const indexes = storage.indexes().map((i) => `${i.type}:${i.label ?? ''}:${i.properties.map((p) => p.join('.')).join(',')}:${i.count}`).sort();
    const constraints = storage.constraints().map((c) => `${c.type}:${c.label}:${c.properties.join(',')}`).sort();
    return { vertices, edges, indexes, constraints, lastCommitTimestamp: storage.lastCommitTimestamp() };
  } finally {
    tx.abort();
  }
}
