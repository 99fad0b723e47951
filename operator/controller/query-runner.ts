// Cypher over Bolt to the coordinators, behind a two-method interface. The neo4j-driver
// implementation turns records into plain rows and keeps notifications as "<code> <title>"
// strings, which is where Memgraph puts LeaderNotReachable.
import neo4j, { type Driver } from 'neo4j-driver';

export interface QueryResult {
  rows: Record<string, unknown>[];
  notifications: string[];
}

export interface QueryRunner {
  run(query: string): Promise<QueryResult>;
  close(): Promise<void>;
}

// Bolt integers become numbers: the values here are ports, ids and milliseconds.
function plain(v: unknown): unknown {
  if (neo4j.isInt(v)) return (v as { toNumber(): number }).toNumber();
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

export interface Neo4jRunnerOptions {
  /** Coordinators in Memgraph have no users: auth none unless given. */
  auth?: { user: string; password: string };
  connectionTimeoutMs?: number;
}

export function neo4jRunner(url: string, options: Neo4jRunnerOptions = {}): QueryRunner {
  const driver: Driver = neo4j.driver(url, options.auth ? neo4j.auth.basic(options.auth.user, options.auth.password) : undefined, {
    connectionTimeout: options.connectionTimeoutMs ?? 5000,
    // Admin statements are not idempotent transactions: the planner retries by re-planning.
    maxTransactionRetryTime: 0,
    disableLosslessIntegers: false,
  });
  return {
    async run(query) {
      const session = driver.session();
      try {
        const result = await session.run(query);
        return {
          rows: result.records.map((r) => Object.fromEntries(r.keys.map((k) => [String(k), plain(r.get(k))]))),
          notifications: result.summary.notifications.map((n) => `${n.code} ${n.title}`),
        };
      } finally {
        await session.close();
      }
    },
    close: () => driver.close(),
  };
}
