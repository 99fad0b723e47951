// Fairness probe: RETURN 1 latency (p50/p99/max) of one client while another pulls a heavy query.
// usage: node bench/fairness-probe.mjs <bolt port of a running mgha> "<query>"
import neo4j from 'neo4j-driver';
import { spawn } from 'node:child_process';
const [port, query] = process.argv.slice(2);
const url = `bolt://127.0.0.1:${port}`;
const heavy = spawn(process.execPath, ['--input-type=module', '-e', `
import neo4j from 'neo4j-driver';
const d = neo4j.driver('${url}', neo4j.auth.basic('', ''));
const s = d.session();
let n = 0; const t0 = Date.now();
const r = s.run(${JSON.stringify(query)});
await new Promise((res, rej) => r.subscribe({ onNext: () => n++, onCompleted: res, onError: rej }));
console.log('heavy rows', n, Date.now() - t0, 'ms');
await s.close(); await d.close();`], { cwd: process.cwd(), stdio: ['ignore', 'inherit', 'inherit'] });
let done = false; heavy.on('exit', () => (done = true));
const d = neo4j.driver(url, neo4j.auth.basic('', ''));
await d.executeQuery('RETURN 1');
const lat = [];
while (!done) { const t0 = performance.now(); await d.executeQuery('RETURN 1'); lat.push(performance.now() - t0); await new Promise((r) => setTimeout(r, 5)); }
lat.sort((a, b) => a - b);
const q = (p) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))].toFixed(1);
console.log(`${query}: n=${lat.length} p50 ${q(0.5)} p99 ${q(0.99)} max ${q(1)} over50 ${lat.filter((x) => x > 50).length}`);
await d.close();
