// List then watch a collection from its resourceVersion, relisting whenever the watch ends:
// the informer pattern, small enough to read, for the test kubelet and the e2e suite.
import { Watch } from '@kubernetes/client-node';
import type { KubeHttp } from './kube-http.js';

export interface Meta {
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

export interface ListWatchHandlers<T extends Meta> {
  /** A fresh full list (also after every relist). */
  list(items: T[]): void;
  event(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T): void;
  error?(err: unknown): void;
}

export class ListWatch<T extends Meta> {
  private stopped = false;
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly api: KubeHttp,
    private readonly path: string,
    private readonly handlers: ListWatchHandlers<T>,
  ) {}

  /** Resolves after the first list has been delivered. */
  async start(): Promise<void> {
    let first!: () => void;
    const listed = new Promise<void>((r) => (first = r));
    this.loop = this.run(first);
    await listed;
  }

  private async run(onFirstList: () => void): Promise<void> {
    while (!this.stopped) {
      try {
        const list = await this.api.get<{ metadata: { resourceVersion: string }; items: T[] }>(this.path);
        this.handlers.list(list.items);
        onFirstList();
        await new Promise<void>((resolve) => {
          void new Watch(this.api.kc)
            .watch(
              this.path,
              { resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: true },
              (type: string, obj: T) => {
                if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') this.handlers.event(type, obj);
              },
              () => resolve(),
            )
            .then((abort) => {
              this.abort = abort;
              if (this.stopped) abort.abort();
            }, () => resolve());
        });
      } catch (err) {
        if (!this.stopped) this.handlers.error?.(err);
      }
      if (!this.stopped) await new Promise((r) => setTimeout(r, 200));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
    await this.loop;
  }
}
