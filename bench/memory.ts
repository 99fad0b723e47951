// Memory per object after loading 1M nodes and 2M relationships straight into storage,
// without properties and with 2 properties each. Memgraph documents about 144 B per
// vertex; the target is at most 2x that per object.
//
//   node --expose-gc dist/bench/memory.js [--nodes=1000000]

import { InMemoryStorage } from '../dataplane/storage/storage.js';
import type { VertexAccessor } from '../dataplane/storage/types.js';
import { argNumber, report } from './lib/harness.js';

const nodes = argNumber('nodes', 1_000_000);
const relsPerNode = 2;
const batch = 10_000;
const MEMGRAPH_BYTES_PER_VERTEX = 144;

function usedBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function measure(withProperties: boolean): void {
  const before = usedBytes();
  const storage = new InMemoryStorage();
  for (let from = 0; from < nodes; from += batch) {
    const tx = storage.begin();
    for (let i = from; i < Math.min(nodes, from + batch); i++) {
      const v = tx.createVertex();
      v.addLabel('Node');
      if (withProperties) {
        v.setProperty('id', BigInt(i));
        v.setProperty('name', `node${i}`);
      }
    }
    tx.commit();
  }
  storage.collectGarbage();
  const afterNodes = usedBytes();
  // Vertex gids are assigned 0..n-1 in creation order by a fresh storage.
  for (let from = 0; from < nodes; from += batch / relsPerNode) {
    const tx = storage.begin();
    for (let i = from; i < Math.min(nodes, from + batch / relsPerNode); i++) {
      const a = tx.vertex(i) as VertexAccessor;
      for (let k = 1; k <= relsPerNode; k++) {
        const b = tx.vertex((i * 31 + k * 7919) % nodes) as VertexAccessor;
        const e = tx.createEdge(a, b, 'REL');
        if (withProperties) {
          e.setProperty('weight', (i % 100) / 10);
          e.setProperty('since', BigInt(2000 + (i % 25)));
        }
      }
    }
    tx.commit();
  }
  storage.collectGarbage();
  const afterEdges = usedBytes();
  const perNode = (afterNodes - before) / nodes;
  const perRel = (afterEdges - afterNodes) / (nodes * relsPerNode);
  const variant = withProperties ? 'two_properties' : 'no_properties';
  report({ bench: 'memory', variant, nodes, relationships: nodes * relsPerNode, bytes_per_node: perNode, bytes_per_relationship: perRel });
  report({ bench: 'memory', variant, node_ratio_vs_memgraph_144B: perNode / MEMGRAPH_BYTES_PER_VERTEX, relationship_ratio_vs_144B: perRel / MEMGRAPH_BYTES_PER_VERTEX, target: 2 });
  if (storage.counts().vertexCount !== nodes) throw new Error('vertex count mismatch');
}

measure(false);
measure(true);
