// Message types the RPC tests, the helper server process and bench/rpc share.
import { defineRpc, p } from '../../dataplane/rpc/messages.js';
import type { RpcServer } from '../../dataplane/rpc/server.js';

export const Echo = defineRpc({ type: 1, name: 'Echo', request: p.struct({ text: p.string }), response: p.struct({ text: p.string }) });
export const Sleep = defineRpc({ type: 2, name: 'Sleep', request: p.struct({ ms: p.uint }), response: p.struct({ slept: p.uint }) });
export const Blob = defineRpc({ type: 3, name: 'Blob', request: p.struct({ data: p.bytes }), response: p.struct({ bytes: p.uint }) });

/** Echo, Sleep (bounded at 60 s) and Blob (answers the size it got). */
export function serveFixtures(server: RpcServer): RpcServer {
  return server
    .handle(Echo, (req) => req)
    .handle(Sleep, async ({ ms }) => {
      const slept = Math.min(ms, 60_000);
      await new Promise((resolve) => setTimeout(resolve, slept));
      return { slept };
    })
    .handle(Blob, ({ data }) => ({ bytes: data.length }));
}
