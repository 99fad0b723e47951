// Test-only name resolution for the kubelet stand-in: pod and Service DNS names
// (`graph-data-0.graph-data-hl.ns.svc.cluster.local`) map to the loopback address the stand-in
// gave each pod, read from an /etc/hosts-style file that it rewrites as pods come and go.
// Installing it patches `dns.lookup` (used by net, http, fetch and neo4j-driver); every other
// name still goes to the system resolver.
import dns from 'node:dns';
import fs from 'node:fs';

/** Env var naming the hosts file; the preload (hosts-preload.ts) installs the hook when set. */
export const HOSTS_FILE_ENV = 'MGHA_TEST_HOSTS_FILE';

/** `address name...` lines, `#` comments; a name listed on several lines gets every address. */
export function parseHosts(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const [address, ...names] = raw.replace(/#.*/, '').trim().split(/\s+/);
    if (!address) continue;
    for (const name of names) {
      const key = normalize(name);
      map.set(key, [...(map.get(key) ?? []), address]);
    }
  }
  return map;
}

export function formatHosts(entries: Iterable<readonly [string, readonly string[]]>): string {
  const lines: string[] = [];
  for (const [name, addresses] of entries) for (const a of addresses) lines.push(`${a} ${name}`);
  return lines.sort().join('\n') + '\n';
}

/** Replaces the file in one step so a reader never sees half of it. */
export function writeHostsFile(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/** Patches dns.lookup and dns.promises.lookup; returns the function that undoes it. */
export function installHostsLookup(file: string): () => void {
  let cached: { key: string; map: Map<string, string[]> } = { key: '', map: new Map() };
  const current = (): Map<string, string[]> => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      return new Map();
    }
    const key = `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
    if (key !== cached.key) cached = { key, map: parseHosts(fs.readFileSync(file, 'utf8')) };
    return cached.map;
  };
  const resolve = (hostname: string): string[] | undefined => current().get(normalize(hostname));

  const original = dns.lookup;
  const originalPromise = dns.promises.lookup;
  const patched = function (hostname: string, options: unknown, callback?: LookupCallback): void {
    const cb = (typeof options === 'function' ? options : callback) as LookupCallback;
    const opts = typeof options === 'object' && options !== null ? (options as dns.LookupOptions) : {};
    const addresses = resolve(hostname);
    if (!addresses) return void (original as (...a: unknown[]) => void).call(dns, hostname, options, callback);
    // Several addresses (a Service with several ready pods): rotate like a resolver would.
    const rotated = addresses.length > 1 ? [...addresses.slice(1), addresses[0]!] : addresses;
    if (addresses.length > 1) cached.map.set(normalize(hostname), rotated);
    process.nextTick(() =>
      opts.all ? cb(null, addresses.map((address) => ({ address, family: 4 }))) : cb(null, addresses[0]!, 4),
    );
  };
  dns.lookup = patched as typeof dns.lookup;
  dns.promises.lookup = (async (hostname: string, options?: dns.LookupOptions) => {
    const addresses = resolve(hostname);
    if (!addresses) return (originalPromise as (h: string, o?: dns.LookupOptions) => Promise<unknown>)(hostname, options);
    return options?.all ? addresses.map((address) => ({ address, family: 4 })) : { address: addresses[0]!, family: 4 };
  }) as typeof dns.promises.lookup;
  return () => {
    dns.lookup = original;
    dns.promises.lookup = originalPromise;
  };
}
