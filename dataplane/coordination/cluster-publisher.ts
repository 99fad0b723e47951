// Serves the /v1/cluster document (cluster-document.ts) with a version that moves on
// whenever the body changed, and its long poll: `watch` answers once the version differs
// from the caller's (a higher one, from another coordinator or an earlier process, is
// answered at once), or after the timeout with the unchanged document.

import { nextClusterDocument, type ClusterDocument, type ClusterDocumentBody } from './cluster-document.js';

/** Longest watch. */
export const MAX_WATCH_SEC = 300;
/** How often a waiting watch looks again. */
const WATCH_POLL_MS = 100;

export class ClusterPublisher {
  private doc: ClusterDocument | null = null;
  private stopped = false;

  constructor(private readonly body: () => Promise<ClusterDocumentBody>) {}

  async current(): Promise<ClusterDocument> {
    this.doc = nextClusterDocument(this.doc, await this.body());
    return this.doc;
  }

  async watch(sinceVersion: number, timeoutSec: number): Promise<ClusterDocument> {
    const deadline = Date.now() + Math.min(MAX_WATCH_SEC, Math.max(0, timeoutSec)) * 1000;
    for (;;) {
      const doc = await this.current();
      if (doc.version !== sinceVersion || Date.now() >= deadline || this.stopped) return doc;
      await new Promise((r) => setTimeout(r, WATCH_POLL_MS));
    }
  }

  /** Open watches answer at their next look. */
  stop(): void {
    this.stopped = true;
  }
}
