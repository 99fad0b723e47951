// What a local HA cluster on one machine is: which processes, on which loopback ports, with
// which flags, and the queries a Memgraph user types to bootstrap it (reference §3.13).
// Pure: `npm run cluster`, the HA tests, the chaos test and the RTO benchmark all start
// their clusters from a plan, so every one of them runs the same topology the same way.

export interface PortBlock {
  bolt: number;
  metrics: number;
  management: number;
  /** Raft port (coordinators) or replication port (data instances). */
  cluster: number;
}

export interface MemberPlan {
  /** `coordinator_<id>` or `instance_<n>`, as SHOW INSTANCES names them. */
  name: string;
  kind: 'coordinator' | 'data';
  /** Coordinator id (coordinators only). */
  id: number;
  host: string;
  ports: PortBlock;
  dataDirectory: string;
  /** Flags for `mgha`, without the binary. */
  args: string[];
}

export interface ClusterPlan {
  host: string;
  coordinators: MemberPlan[];
  data: MemberPlan[];
  /** Run on coordinator 1, in order: ADD COORDINATOR ×n, REGISTER INSTANCE ×m, SET INSTANCE … TO MAIN. */
  bootstrap: string[];
  /** neo4j:// URI of every coordinator, comma-free: drivers take one, the others are in the routing table. */
  routingUri: string;
}

export type ReplicationModeName = 'sync' | 'async' | 'strict_sync';

export interface PlanOptions {
  coordinators: number;
  dataInstances: number;
  /** Loopback address every listener binds and every address advertises. */
  host: string;
  /** Directory holding one data directory per member. */
  baseDirectory: string;
  /** Ports per member, in member order (coordinators first); see `fixedPorts`. */
  ports: PortBlock[];
  /** `AS ASYNC` / `AS STRICT_SYNC` or plain SYNC: one for every data instance, or one each. */
  mode: ReplicationModeName | ReplicationModeName[];
  /** Flags added to every member (e.g. --log-level=WARNING). */
  extraArgs: string[];
}

/**
 * The port layout of Memgraph's Docker example, shifted so coordinator and data blocks
 * never meet: coordinators bolt 7691+, Raft 10111+, management 12121+; data bolt 7687+,
 * management 13011+, replication 10001+; metrics 9091+ for everyone.
 */
export function fixedPorts(coordinators: number, dataInstances: number): PortBlock[] {
  const out: PortBlock[] = [];
  for (let i = 0; i < coordinators; i++) out.push({ bolt: 7691 + i, metrics: 9091 + i, management: 12121 + i, cluster: 10111 + i });
  for (let i = 0; i < dataInstances; i++) {
    out.push({ bolt: 7687 + i, metrics: 9091 + coordinators + i, management: 13011 + i, cluster: 10001 + i });
  }
  return out;
}

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function clusterPlan(o: PlanOptions): ClusterPlan {
  if (o.coordinators < 1 || o.dataInstances < 1) throw new RangeError('a cluster needs at least one coordinator and one data instance');
  if (o.ports.length !== o.coordinators + o.dataInstances) throw new RangeError(`expected ${o.coordinators + o.dataInstances} port blocks, got ${o.ports.length}`);
  const h = o.host;
  const common = (p: PortBlock, dir: string): string[] => [
    `--bolt-address=${h}`,
    `--bolt-port=${p.bolt}`,
    `--metrics-address=${h}`,
    `--metrics-port=${p.metrics}`,
    `--management-address=${h}`,
    `--management-port=${p.management}`,
    `--data-directory=${dir}`,
  ];
  const coordinators = Array.from({ length: o.coordinators }, (_, i): MemberPlan => {
    const id = i + 1;
    const ports = o.ports[i];
    const dataDirectory = `${o.baseDirectory}/coordinator_${id}`;
    return {
      name: `coordinator_${id}`,
      kind: 'coordinator',
      id,
      host: h,
      ports,
      dataDirectory,
      args: [
        ...common(ports, dataDirectory),
        `--coordinator-id=${id}`,
        `--coordinator-port=${ports.cluster}`,
        `--coordinator-address=${h}`,
        `--coordinator-hostname=${h}`,
        ...o.extraArgs,
      ],
    };
  });
  const data = Array.from({ length: o.dataInstances }, (_, i): MemberPlan => {
    const ports = o.ports[o.coordinators + i];
    const name = `instance_${i + 1}`;
    const dataDirectory = `${o.baseDirectory}/${name}`;
    return {
      name,
      kind: 'data',
      id: 0,
      host: h,
      ports,
      dataDirectory,
      args: [...common(ports, dataDirectory), `--replication-address=${h}`, ...o.extraArgs],
    };
  });
  const modes = Array.isArray(o.mode) ? o.mode : data.map(() => o.mode as ReplicationModeName);
  if (modes.length !== data.length) throw new RangeError(`expected ${data.length} replication modes, got ${modes.length}`);
  const as = (i: number): string => (modes[i] === 'async' ? ' AS ASYNC' : modes[i] === 'strict_sync' ? ' AS STRICT_SYNC' : '');
  const bootstrap = [
    ...coordinators.map(
      (c) =>
        `ADD COORDINATOR ${c.id} WITH CONFIG {'bolt_server': ${quote(`${h}:${c.ports.bolt}`)}, 'coordinator_server': ${quote(`${h}:${c.ports.cluster}`)}, 'management_server': ${quote(`${h}:${c.ports.management}`)}}`,
    ),
    ...data.map(
      (d, i) =>
        `REGISTER INSTANCE ${d.name}${as(i)} WITH CONFIG {'bolt_server': ${quote(`${h}:${d.ports.bolt}`)}, 'management_server': ${quote(`${h}:${d.ports.management}`)}, 'replication_server': ${quote(`${h}:${d.ports.cluster}`)}}`,
    ),
    `SET INSTANCE ${data[0].name} TO MAIN`,
  ];
  return { host: h, coordinators, data, bootstrap, routingUri: `neo4j://${h}:${coordinators[0].ports.bolt}` };
}
