// What a transaction changed, as Memgraph's triggers see it, and the predefined variables
// a trigger statement reads (createdVertices, setVertexProperties, updatedObjects …).
// Computed from the transaction's redo deltas plus a snapshot taken when it began (for old
// values and deleted objects), following Memgraph's rules: changes to an object created in
// the same transaction are not reported separately, an object created and deleted in it is
// not reported at all, and a property or label is compared with its value at the start.

import type { Delta, EdgeAccessor, Gid, StorageTransaction, VertexAccessor } from '../../storage/types.js';
import { equals } from '../../values/ops.js';
import type { Value } from '../../values/model.js';
import { materialize } from '../executor/materialize.js';
import type { TriggerEventType } from '../admin-ast.js';

export interface PropertyChange {
  gid: Gid;
  key: string;
  old: Value;
  /** null: the property was removed. */
  new: Value;
}

export interface LabelChange {
  gid: Gid;
  label: string;
  added: boolean;
}

/** Changes by object id; deleted objects are kept as detached copies from the snapshot. */
export interface TriggerEvents {
  createdVertices: Gid[];
  createdEdges: Gid[];
  deletedVertices: Value[];
  deletedEdges: Value[];
  vertexProperties: PropertyChange[];
  edgeProperties: PropertyChange[];
  vertexLabels: LabelChange[];
}

/** Reads the changes of `deltas`; `before` is a snapshot from the transaction's start. */
export function collectEvents(deltas: readonly Delta[], before: StorageTransaction): TriggerEvents {
  const createdV = new Set<Gid>();
  const createdE = new Set<Gid>();
  const deletedV = new Set<Gid>();
  const deletedE = new Set<Gid>();
  const vProps = new Map<string, { gid: Gid; key: string; value: Value }>();
  const eProps = new Map<string, { gid: Gid; key: string; value: Value }>();
  const labels = new Map<string, LabelChange>();
  for (const d of deltas) {
    switch (d.op) {
      case 'createVertex':
        createdV.add(d.gid);
        break;
      case 'createEdge':
        createdE.add(d.gid);
        break;
      case 'deleteVertex':
        if (!createdV.delete(d.gid)) deletedV.add(d.gid);
        break;
      case 'deleteEdge':
        if (!createdE.delete(d.gid)) deletedE.add(d.gid);
        break;
      case 'setVertexProperty':
        vProps.set(`${d.gid}\u0000${d.key}`, { gid: d.gid, key: d.key, value: d.value });
        break;
      case 'setEdgeProperty':
        eProps.set(`${d.gid}\u0000${d.key}`, { gid: d.gid, key: d.key, value: d.value });
        break;
      case 'addLabel':
      case 'removeLabel':
        labels.set(`${d.gid}\u0000${d.label}`, { gid: d.gid, label: d.label, added: d.op === 'addLabel' });
        break;
      default:
        break;
    }
  }
  // Objects created (or deleted) here report no updates of their own.
  const touchedV = (gid: Gid): boolean => !createdV.has(gid) && !deletedV.has(gid) && before.vertex(gid) !== null;
  const touchedE = (gid: Gid): boolean => !createdE.has(gid) && !deletedE.has(gid) && before.edge(gid) !== null;
  const changes = (props: Map<string, { gid: Gid; key: string; value: Value }>, touched: (g: Gid) => boolean, old: (g: Gid, k: string) => Value): PropertyChange[] => {
    const out: PropertyChange[] = [];
    for (const { gid, key, value } of props.values()) {
      if (!touched(gid)) continue;
      const was = old(gid, key);
      if (value === null ? was === null : equals(was, value) === true) continue;
      out.push({ gid, key, old: was, new: value });
    }
    return out;
  };
  return {
    createdVertices: [...createdV],
    createdEdges: [...createdE],
    deletedVertices: [...deletedV].map((g) => before.vertex(g)).filter((v): v is VertexAccessor => v !== null).map((x) => materialize(x)),
    deletedEdges: [...deletedE].map((g) => before.edge(g)).filter((e): e is EdgeAccessor => e !== null).map((x) => materialize(x)),
    vertexProperties: changes(vProps, touchedV, (g, k) => before.vertex(g)?.getProperty(k) ?? null),
    edgeProperties: changes(eProps, touchedE, (g, k) => before.edge(g)?.getProperty(k) ?? null),
    vertexLabels: [...labels.values()].filter((l) => touchedV(l.gid) && before.vertex(l.gid)?.hasLabel(l.label) !== l.added),
  };
}

/** Whether a trigger of this event type fires for these changes. */
export function fires(event: TriggerEventType, e: TriggerEvents): boolean {
  const vCreate = e.createdVertices.length > 0;
  const eCreate = e.createdEdges.length > 0;
  const vDelete = e.deletedVertices.length > 0;
  const eDelete = e.deletedEdges.length > 0;
  const vUpdate = e.vertexProperties.length > 0 || e.vertexLabels.length > 0;
  const eUpdate = e.edgeProperties.length > 0;
  switch (event) {
    case 'ANY':
      return vCreate || eCreate || vDelete || eDelete || vUpdate || eUpdate;
    case 'CREATE':
      return vCreate || eCreate;
    case '() CREATE':
      return vCreate;
    case '--> CREATE':
      return eCreate;
    case 'DELETE':
      return vDelete || eDelete;
    case '() DELETE':
      return vDelete;
    case '--> DELETE':
      return eDelete;
    case 'UPDATE':
      return vUpdate || eUpdate;
    case '() UPDATE':
      return vUpdate;
    case '--> UPDATE':
      return eUpdate;
  }
}

const CREATE_VARS = ['createdVertices', 'createdEdges', 'createdObjects'];
const DELETE_VARS = ['deletedVertices', 'deletedEdges', 'deletedObjects'];
const V_UPDATE_VARS = ['setVertexProperties', 'removedVertexProperties', 'setVertexLabels', 'removedVertexLabels', 'updatedVertices'];
const E_UPDATE_VARS = ['setEdgeProperties', 'removedEdgeProperties', 'updatedEdges'];

/** The predefined variables a trigger of this event type may use (Memgraph's table). */
export function variablesFor(event: TriggerEventType): string[] {
  switch (event) {
    case 'ANY':
      return [...CREATE_VARS, ...DELETE_VARS, ...V_UPDATE_VARS, ...E_UPDATE_VARS, 'updatedObjects'];
    case 'CREATE':
      return CREATE_VARS;
    case '() CREATE':
      return ['createdVertices'];
    case '--> CREATE':
      return ['createdEdges'];
    case 'DELETE':
      return DELETE_VARS;
    case '() DELETE':
      return ['deletedVertices'];
    case '--> DELETE':
      return ['deletedEdges'];
    case 'UPDATE':
      return [...V_UPDATE_VARS, ...E_UPDATE_VARS, 'updatedObjects'];
    case '() UPDATE':
      return V_UPDATE_VARS;
    case '--> UPDATE':
      return E_UPDATE_VARS;
  }
}

const map = (entries: [string, Value][]): Map<string, Value> => new Map(entries);

/**
 * The predefined variables' values, objects resolved in `tx` (the committing transaction
 * before commit, a fresh one after); an object no longer visible there is left out.
 */
export function variableValues(e: TriggerEvents, tx: StorageTransaction): Map<string, Value> {
  const vertex = (g: Gid): VertexAccessor | null => tx.vertex(g);
  const edge = (g: Gid): EdgeAccessor | null => tx.edge(g);
  const present = <T>(x: T | null): x is T => x !== null;
  const createdVertices = e.createdVertices.map(vertex).filter(present);
  const createdEdges = e.createdEdges.map(edge).filter(present);
  const vSet: Value[] = [];
  const vRemoved: Value[] = [];
  const updatedVertices: Value[] = [];
  for (const c of e.vertexProperties) {
    const v = vertex(c.gid);
    if (v === null) continue;
    if (c.new === null) {
      vRemoved.push(map([['vertex', v], ['key', c.key], ['old', c.old]]));
      updatedVertices.push(map([['event_type', 'removed_vertex_property'], ['vertex', v], ['key', c.key], ['old', c.old]]));
    } else {
      vSet.push(map([['vertex', v], ['key', c.key], ['old', c.old], ['new', c.new]]));
      updatedVertices.push(map([['event_type', 'set_vertex_property'], ['vertex', v], ['key', c.key], ['old', c.old], ['new', c.new]]));
    }
  }
  const byLabel = (added: boolean): Value[] => {
    const groups = new Map<string, Value[]>();
    for (const l of e.vertexLabels) {
      const v = vertex(l.gid);
      if (l.added !== added || v === null) continue;
      groups.set(l.label, [...(groups.get(l.label) ?? []), v]);
    }
    return [...groups].map(([label, vertices]) => map([['label', label], ['vertices', vertices]]));
  };
  for (const l of e.vertexLabels) {
    const v = vertex(l.gid);
    if (v !== null) updatedVertices.push(map([['event_type', l.added ? 'set_vertex_label' : 'removed_vertex_label'], ['vertex', v], ['label', l.label]]));
  }
  const eSet: Value[] = [];
  const eRemoved: Value[] = [];
  const updatedEdges: Value[] = [];
  for (const c of e.edgeProperties) {
    const r = edge(c.gid);
    if (r === null) continue;
    if (c.new === null) {
      eRemoved.push(map([['edge', r], ['key', c.key], ['old', c.old]]));
      updatedEdges.push(map([['event_type', 'removed_edge_property'], ['edge', r], ['key', c.key], ['old', c.old]]));
    } else {
      eSet.push(map([['edge', r], ['key', c.key], ['old', c.old], ['new', c.new]]));
      updatedEdges.push(map([['event_type', 'set_edge_property'], ['edge', r], ['key', c.key], ['old', c.old], ['new', c.new]]));
    }
  }
  return map([
    ['createdVertices', createdVertices],
    ['createdEdges', createdEdges],
    [
      'createdObjects',
      [
        ...createdVertices.map((v) => map([['event_type', 'created_vertex'], ['vertex', v]])),
        ...createdEdges.map((r) => map([['event_type', 'created_edge'], ['edge', r]])),
      ],
    ],
    ['deletedVertices', e.deletedVertices],
    ['deletedEdges', e.deletedEdges],
    [
      'deletedObjects',
      [
        ...e.deletedVertices.map((v) => map([['event_type', 'deleted_vertex'], ['vertex', v]])),
        ...e.deletedEdges.map((r) => map([['event_type', 'deleted_edge'], ['edge', r]])),
      ],
    ],
    ['setVertexProperties', vSet],
    ['removedVertexProperties', vRemoved],
    ['setVertexLabels', byLabel(true)],
    ['removedVertexLabels', byLabel(false)],
    ['updatedVertices', updatedVertices],
    ['setEdgeProperties', eSet],
    ['removedEdgeProperties', eRemoved],
    ['updatedEdges', updatedEdges],
    ['updatedObjects', [...updatedVertices, ...updatedEdges]],
  ]);
}
