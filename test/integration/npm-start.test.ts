// `npm start` as a newcomer runs it: SIGTERM to the npm process must stop the server it
// started (orderly: port free, data-directory lock released), not leave it running as an
// orphan. The start script builds first, so this runs in a copy of the package in a temp
// directory: rebuilding the repository's own dist/ would pull files from under the
// servers other suites are running.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canConnect, freePort } from '../helpers/ports.js';
import { repoRoot } from '../helpers/repo-root.js';

let dir = '';
let serverPid: number | null = null;

afterAll(() => {
  if (serverPid !== null && isRunning(serverPid)) process.kill(serverPid, 'SIGKILL');
  if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
});

/** Alive and not a zombie (a container may have no init that reaps orphans). */
function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

async function until(what: string, ms: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('SIGTERM to `npm start` stops the server it started: port free, data directory unlocked', async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-npm-start-'));
  for (const f of ['package.json', 'tsconfig.json']) fs.copyFileSync(path.join(repoRoot, f), path.join(dir, f));
  fs.cpSync(path.join(repoRoot, 'dataplane'), path.join(dir, 'dataplane'), { recursive: true });
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
  const boltPort = await freePort();
  const dataDirectory = path.join(dir, 'data');
  const args = ['start', '--', `--bolt-port=${boltPort}`, `--metrics-port=${await freePort()}`, `--data-directory=${dataDirectory}`];
  const npm = spawn('npm', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  npm.stdout.on('data', (b: Buffer) => (output += b.toString()));
  npm.stderr.on('data', (b: Buffer) => (output += b.toString()));
  const npmExit = new Promise<void>((resolve) => npm.once('exit', () => resolve()));

  await until(`the server to start (output so far:\n${output})`, 150_000, () => output.includes('mgha started'));
  // The lock file names the server's pid: the process npm started through the shell.
  serverPid = Number(fs.readFileSync(path.join(dataDirectory, '.lock'), 'utf8').split(' ')[0]);
  expect(serverPid).not.toBe(npm.pid);
  expect(await canConnect(boltPort)).toBe(true);

  npm.kill('SIGTERM');
  await npmExit;
  await until('the server to exit', 15_000, () => !isRunning(serverPid as number));
  expect(output).toMatch(/"msg":"stopped"/);
  expect(await canConnect(boltPort)).toBe(false);
  expect(fs.existsSync(path.join(dataDirectory, '.lock'))).toBe(false);
}, 200_000);
