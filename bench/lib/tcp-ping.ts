// The baseline both round-trip benchmarks measure against: a server script in a child
// process (it prints its port), and a raw TCP client doing one request/response at a time.
import { spawn, type ChildProcess } from 'node:child_process';
import type net from 'node:net';

/** Starts a server script in a child process; resolves with the port it prints. */
export async function startChild(script: string, args: string[]): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((res, rej) => {
    child.stdout?.once('data', (d: Buffer) => res(Number(d.toString().trim())));
    child.once('exit', (code) => rej(new Error(`${script} exited with ${code}`)));
  });
  return { port, child };
}

/** One raw TCP request/response per round trip: write `request`, wait for `responseSize` bytes. */
export class PingClient {
  private got = 0;
  private resolve: (() => void) | null = null;
  constructor(
    private readonly socket: net.Socket,
    private readonly request: Buffer,
    private readonly responseSize: number,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (d) => {
      this.got += d.length;
      if (this.got >= this.responseSize) {
        this.got -= this.responseSize;
        const r = this.resolve;
        this.resolve = null;
        r?.();
      }
    });
  }
  roundTrip(): Promise<void> {
    return new Promise((res) => {
      this.resolve = res;
      this.socket.write(this.request);
    });
  }
  close(): void {
    this.socket.destroy();
  }
}
