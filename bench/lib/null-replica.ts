// A replica that does no replica work, for the replication ceiling (bench/replication-ceiling.ts):
// it speaks MAIN's replication RPC (SwapMainUuid, Heartbeat, AppendRecords) over the real
// RPC server, walks the received WAL frames for their timestamps and answers at once — no
// decode, no storage apply, no WAL write. What a SYNC commit still costs with it is MAIN's
// side and the kernel's: the floor any replica implementation sits on, on this machine.
//
//   node dist/bench/lib/null-replica.js <port>     (prints "listening <port>" when ready)

import { ByteReader } from '../../dataplane/durability/codec.js';
import { RECORD_OVERHEAD, RecordKind } from '../../dataplane/durability/wal-format.js';
import { AppendRecords, Heartbeat, SwapMainUuid } from '../../dataplane/replication/protocol.js';
import { RpcServer } from '../../dataplane/rpc/server.js';

let epochId = '';
let ts = 0;

/** The newest timestamp in a batch of WAL frames (commits and prepares start with theirs; finalisations are one). */
function newestTs(buf: Buffer): number {
  let newest = 0;
  for (let at = 0; at < buf.length; ) {
    const len = buf.readUInt32LE(at);
    const kind = buf[at + 4];
    if (kind === RecordKind.Commit || kind === RecordKind.Prepare || kind === RecordKind.FinalizeCommit || kind === RecordKind.FinalizeAbort) {
      const t = new ByteReader(buf, at + 5, at + 4 + len).uint();
      if (t > newest) newest = t;
    }
    at += len + RECORD_OVERHEAD;
  }
  return newest;
}

async function main(): Promise<void> {
  const server = new RpcServer({ host: '127.0.0.1', port: Number(process.argv[2] ?? 0) })
    .handle(SwapMainUuid, () => ({ epochId, ts }))
    // A fresh null replica claims to hold what MAIN holds, so it is `ready` at once.
    .handle(Heartbeat, (req) => {
      if (epochId === '') {
        epochId = req.epochId;
        ts = req.mainTs;
      }
      return { epochId, ts };
    })
    .handle(AppendRecords, (req) => {
      epochId = req.epoch.epochId;
      for (const r of req.records) ts = Math.max(ts, newestTs(r.frame));
      return { epochId, ts };
    });
  await server.listen();
  process.stdout.write(`listening ${server.port}\n`);
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
}

void main();
