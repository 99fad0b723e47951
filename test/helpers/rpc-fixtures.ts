// Message types the RPC tests, the helper server process and bench/rpc share.
import path from 'node:path';
import { defineRpc, p } from '../../dataplane/rpc/messages.js';
import type { RpcServer } from '../../dataplane/rpc/server.js';

export const Echo = defineRpc({ type: 1, name: 'Echo', request: p.struct({ text: p.string }), response: p.struct({ text: p.string }) });
export const Sleep = defineRpc({ type: 2, name: 'Sleep', request: p.struct({ ms: p.uint }), response: p.struct({ slept: p.uint }) });
export const Upload = defineRpc({ type: 4, name: 'Upload', request: p.struct({ name: p.string }), response: p.struct({ bytes: p.uint }) });
export const Blob = defineRpc({ type: 3, name: 'Blob', request: p.struct({ data: p.bytes }), response: p.struct({ bytes: p.uint }) });

/**
 * Echo, Sleep (bounded at 60 s), Blob (answers the size it got) and, given an inbox
 * directory, Upload (files land there under their base name).
 */
export function serveFixtures(server: RpcServer, inbox?: string): RpcServer {
  if (inbox !== undefined) {
    server.handleFile(Upload, { target: ({ name }) => path.join(inbox, path.basename(name)), complete: (_req, file) => ({ bytes: file.bytes }) });
  }
  return server
    .handle(Echo, (req) => req)
    .handle(Sleep, async ({ ms }) => {
      const slept = Math.min(ms, 60_000);
      await new Promise((resolve) => setTimeout(resolve, slept));
      return { slept };
    })
    .handle(Blob, ({ data }) => ({ bytes: data.length }));
}
