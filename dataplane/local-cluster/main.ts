#!/usr/bin/env node
// `npm run cluster`: a local HA cluster on 127.0.0.1 — coordinators and data instances as
// separate `mgha` processes, bootstrapped with Memgraph's queries, then the neo4j:// URI
// and a live SHOW INSTANCES table until Ctrl-C, which stops every process in order.

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { clusterPlan, fixedPorts } from './plan.js';
import { formatTable } from './format.js';
import { LocalCluster } from './processes.js';

const USAGE = `usage: npm run cluster -- [--coordinators=3] [--data=3] [--mode=sync|async|strict_sync] [--dir=.mgha-cluster] [--fresh] [--no-watch]
  Starts the cluster (reusing the state under --dir unless --fresh), prints the neo4j:// URI and
  SHOW INSTANCES; keeps running (table refreshed every second) until Ctrl-C. --no-watch exits
  after the first table and leaves the processes running.`;

function fail(message: string): never {
  process.stderr.write(`cluster: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parse(): { coordinators: number; data: number; mode: 'sync' | 'async' | 'strict_sync'; dir: string; fresh: boolean; watch: boolean } {
  let v;
  try {
    v = parseArgs({
      options: {
        coordinators: { type: 'string', default: '3' },
        data: { type: 'string', default: '3' },
        mode: { type: 'string', default: 'sync' },
        dir: { type: 'string', default: '.mgha-cluster' },
        fresh: { type: 'boolean', default: false },
        'no-watch': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  if (v.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const coordinators = Number(v.coordinators);
  const data = Number(v.data);
  if (!Number.isInteger(coordinators) || coordinators < 1 || coordinators > 9) fail('--coordinators must be an integer from 1 to 9');
  if (!Number.isInteger(data) || data < 1 || data > 9) fail('--data must be an integer from 1 to 9');
  const mode = v.mode;
  if (mode !== 'sync' && mode !== 'async' && mode !== 'strict_sync') fail('--mode must be sync, async or strict_sync');
  return { coordinators, data, mode, dir: path.resolve(v.dir), fresh: v.fresh, watch: !v['no-watch'] };
}

async function main(): Promise<void> {
  const o = parse();
  if (o.fresh) fs.rmSync(o.dir, { recursive: true, force: true });
  fs.mkdirSync(o.dir, { recursive: true });
  const plan = clusterPlan({
    coordinators: o.coordinators,
    dataInstances: o.data,
    host: '127.0.0.1',
    baseDirectory: o.dir,
    ports: fixedPorts(o.coordinators, o.data),
    mode: o.mode,
    extraArgs: ['--log-level=WARNING'],
  });
  const cluster = new LocalCluster(plan);
  let stopping = false;
  const stop = async (code: number): Promise<never> => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stdout.write('\nstopping the cluster…\n');
    await cluster.stopAll();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  process.stdout.write(`starting ${o.coordinators} coordinators and ${o.data} data instances (state and logs in ${o.dir})\n`);
  try {
    const foreign = await cluster.startAll();
    if (foreign.length > 0) process.stdout.write(`already running (left as they are, not stopped by Ctrl-C): ${foreign.join(', ')}\n`);
    const how = await cluster.bootstrap();
    process.stdout.write(how === 'already' ? 'cluster state restored from disk\n' : `bootstrapped with:\n${plan.bootstrap.map((q) => `  ${q};`).join('\n')}\n`);
    await cluster.waitForMain();
  } catch (e) {
    process.stderr.write(`cluster: ${e instanceof Error ? e.message : String(e)}\n`);
    await stop(1);
  }
  const header = `\nneo4j://127.0.0.1:${plan.coordinators[0].ports.bolt}  (routing: writes to MAIN, reads to replicas)\n` +
    `admin:  bolt://127.0.0.1:${plan.coordinators[0].ports.bolt}  (SHOW INSTANCES, REGISTER INSTANCE …)\n`;
  process.stdout.write(header);
  if (!o.watch) {
    process.stdout.write(formatTable(await cluster.showInstances().catch(() => null)));
    process.exit(0);
  }
  let last = '';
  for (;;) {
    let table = '';
    for (const c of plan.coordinators) {
      if (!cluster.isRunning(c.name)) continue;
      try {
        table = formatTable(await cluster.showInstances(c.name));
        break;
      } catch {
        // This coordinator is not answering; ask the next one.
      }
    }
    if (table === '') table = '(no coordinator answers)\n';
    if (process.stdout.isTTY) process.stdout.write(`\x1b[2J\x1b[H${header}${table}Ctrl-C stops the cluster.\n`);
    else if (table !== last) process.stdout.write(`${new Date().toISOString()}\n${table}`);
    last = table;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

void main();
