// Coordinator ↔ coordinator RPCs on the coordinators' --management-port (Memgraph's
// ShowInstancesRpc, RegisterInstanceRpc, … collapsed into one): a follower hands a
// statement to the leader and relays the leader's answer, and asks the leader for the
// /v1/cluster body it serves.

import { defineRpc, p, type PayloadOf } from '../rpc/messages.js';

const notification = p.struct({ severity: p.string, code: p.string, title: p.string, description: p.string });

/** A coordinator statement as the client sent it, run by the leader. */
export const ForwardStatement = defineRpc({
  type: 301,
  name: 'ForwardStatement',
  // Memgraph's longest forwarding budget (SetInstanceToMain, 60 s) is for its RPC-first design;
  // here the leader answers once Raft committed, so the register budget (30 s) bounds it.
  timeoutMs: 30_000,
  request: p.struct({ text: p.string, params: p.value }),
  response: p.struct({
    /** Empty on success; the error's code otherwise. */
    errorCode: p.string,
    errorMessage: p.string,
    columns: p.list(p.string),
    rows: p.list(p.list(p.value)),
    notifications: p.list(notification),
  }),
});
export type ForwardAnswer = PayloadOf<typeof ForwardStatement.response>;

/** The leader's /v1/cluster body (JSON of ClusterDocumentBody). */
export const ClusterView = defineRpc({ type: 302, name: 'ClusterView', timeoutMs: 2000, request: p.empty, response: p.struct({ json: p.string }) });
