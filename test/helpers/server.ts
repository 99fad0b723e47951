// Spawns the real `mgha` binary (dist/dataplane/main.js; run `npx tsc -p .` first) on free
// loopback ports with a temporary data directory, and waits until Bolt accepts connections.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { canConnect, freePort } from './ports.js';
import { repoRoot } from './repo-root.js';

export interface TestServer {
  boltPort: number;
  metricsPort: number;
  /** bolt://127.0.0.1:PORT */
  boltUrl: string;
  /** neo4j://127.0.0.1:PORT */
  routingUrl: string;
  pid: number;
  dataDirectory: string;
  /** Everything the process wrote so far. */
  stdout(): string;
  stderr(): string;
  /** SIGTERM; resolves with the exit code (null if killed by a signal). */
  stop(): Promise<number | null>;
  /** SIGKILL. */
  kill(): Promise<void>;
}

export interface StartOptions {
  /** Ms to wait for Bolt to accept connections. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** RLIMIT_FSIZE of the process (via prlimit): writes past it fail with EFBIG, like a full disk. */
  fileSizeLimitBytes?: number;
  /** Another build of the binary (benchmarks compare builds). */
  mainJs?: string;
  /** Flags for node itself, before the script (e.g. --cpu-prof for bench/profile.ts). */
  nodeArgs?: string[];
}

export { repoRoot };
/** The binary under test; MGHA_MAIN_JS points the helpers at another build. */
export const mainJs = process.env.MGHA_MAIN_JS ?? path.join(repoRoot, 'dist', 'dataplane', 'main.js');

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function killAll(): void {
  for (const child of live) child.kill('SIGKILL');
}

// A crashed or interrupted test run must not leave servers behind. On a signal, kill the
// children, then re-raise it so the default action (or jest's own handler) still happens.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAll();
      process.off(signal, onSignal);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

export async function startServer(extraArgs: string[] = [], options: StartOptions = {}): Promise<TestServer> {
  const binary = options.mainJs ?? mainJs;
  if (!fs.existsSync(binary)) throw new Error(`${binary} is missing: run \`npx tsc -p .\` first`);
  installExitHook();
  const boltPort = await freePort();
  const metricsPort = await freePort();
  const dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-test-'));
  const args = [
    ...(options.nodeArgs ?? []),
    binary,
    '--bolt-address=127.0.0.1',
    `--bolt-port=${boltPort}`,
    '--metrics-address=127.0.0.1',
    `--metrics-port=${metricsPort}`,
    `--data-directory=${dataDirectory}`,
    ...extraArgs,
  ];
  const limit = options.fileSizeLimitBytes;
  const [command, argv] = limit === undefined ? [process.execPath, args] : ['prlimit', [`--fsize=${limit}`, process.execPath, ...args]];
  const child = spawn(command, argv, {
    cwd: repoRoot,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const done = exited(child).then((code) => {
    live.delete(child);
    fs.rmSync(dataDirectory, { recursive: true, force: true });
    return code;
  });

  const deadline = Date.now() + (options.timeoutMs ?? 15000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`mgha exited (${child.exitCode ?? child.signalCode}) before Bolt listened:\n${err}${out}`);
    }
    if (await canConnect(boltPort)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await done;
      throw new Error(`mgha did not accept Bolt connections on ${boltPort} in time:\n${err}${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    boltPort,
    metricsPort,
    boltUrl: `bolt://127.0.0.1:${boltPort}`,
    routingUrl: `neo4j://127.0.0.1:${boltPort}`,
    pid: child.pid ?? -1,
    dataDirectory,
    stdout: () => out,
    stderr: () => err,
    stop: async () => {
      child.kill('SIGTERM');
      return done;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await done;
    },
  };
}

/** Runs fn with a driver for url (no auth), closing the driver afterwards. */
export async function withDriver<T>(url: string, fn: (driver: Driver) => Promise<T>): Promise<T> {
  const driver = neo4j.driver(url, neo4j.auth.basic('', ''));
  try {
    return await fn(driver);
  } finally {
    await driver.close();
  }
}

/** Runs a command-line invocation of mgha to completion (for flag errors, --help, --version). */
export function runMgha(args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [mainJs, ...args], { cwd: repoRoot, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('exit', (code) => {
      live.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * For a test file: one server and a neo4j-driver on it, from beforeAll to afterAll (which
 * expects a clean exit). Read `server` and `driver` inside tests and hooks.
 */
export function serverWithDriver(extraArgs: string[] = []): { readonly server: TestServer; readonly driver: Driver } {
  const env = {} as { server: TestServer; driver: Driver };
  beforeAll(async () => {
    env.server = await startServer(extraArgs);
    env.driver = neo4j.driver(env.server.boltUrl, neo4j.auth.basic('', ''));
  });
  afterAll(async () => {
    await env.driver?.close();
    expect(await env.server?.stop()).toBe(0);
  });
  return env;
}
