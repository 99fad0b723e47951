// Follows `/v1/cluster?watch=true&sinceVersion=N` (a long poll) so a failover reaches the
// role labels in milliseconds rather than at the next resync. Each new version calls
// `onChange`; errors rotate to the next coordinator after a pause.
import { fetchClusterDoc, type Fetch } from './coordinator-client.js';
import type { ClusterDoc } from './cluster-doc.js';

export interface WatchOptions {
  /** How long one long poll may be held open. */
  pollTimeoutMs: number;
  /** Pause after an error before trying the next coordinator. */
  retryMs: number;
}

export class ClusterWatch {
  private stopped = false;
  private readonly cancel = new AbortController();
  private version = -1;
  private readonly done: Promise<void>;
  private wake: (() => void) | undefined;

  constructor(
    private readonly bases: readonly string[],
    private readonly onChange: (doc: ClusterDoc) => void,
    private readonly fetchFn: Fetch = fetch,
    private readonly options: WatchOptions = { pollTimeoutMs: 60_000, retryMs: 1000 },
  ) {
    this.done = this.loop();
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private async loop(): Promise<void> {
    let i = 0;
    while (!this.stopped && this.bases.length > 0) {
      const base = this.bases[i % this.bases.length];
      const query = this.version < 0 ? '' : `?watch=true&sinceVersion=${this.version}`;
      try {
        const doc = await fetchClusterDoc(this.fetchFn, `${base}/v1/cluster${query}`, this.options.pollTimeoutMs, this.cancel.signal);
        if (this.stopped) return;
        if (doc.version !== this.version) {
          this.version = doc.version;
          this.onChange(doc);
        } else {
          // A server that does not hold the request must not be polled in a tight loop.
          await this.pause(this.options.retryMs);
        }
      } catch {
        if (this.stopped) return;
        i++;
        await this.pause(this.options.retryMs);
      }
    }
  }

  /** Stops, cancelling the poll in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancel.abort();
    this.wake?.();
    await this.done;
  }
}
