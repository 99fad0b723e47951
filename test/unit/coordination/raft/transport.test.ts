// TcpTransport on loopback: a member that does not know a peer's address answers on the
// connection the peer opened (a coordinator just added, before it replays the log naming
// its peers), and a peer added later is reached directly.
import { TcpTransport } from '../../../../dataplane/coordination/raft/transport.js';
import { message, type Message } from '../../../../dataplane/coordination/raft/types.js';
import { freePort } from '../../../helpers/ports.js';

function inbox(t: TcpTransport): { got: Message[]; next(): Promise<Message> } {
  const got: Message[] = [];
  t.onMessage((m) => got.push(m));
  return {
    got,
    async next() {
      const deadline = Date.now() + 5000;
      while (got.length === 0) {
        if (Date.now() > deadline) throw new Error('no message');
        await new Promise((r) => setTimeout(r, 5));
      }
      return got.shift() as Message;
    },
  };
}

test('an answer to a peer of unknown address goes back on its connection; setPeer adds a direct link', async () => {
  const [pa, pb, pc] = [await freePort(), await freePort(), await freePort()];
  const a = new TcpTransport(new Map([[2, { host: '127.0.0.1', port: pb }]]));
  const b = new TcpTransport(new Map());
  const c = new TcpTransport(new Map());
  await Promise.all([a.listen({ host: '127.0.0.1', port: pa }), b.listen({ host: '127.0.0.1', port: pb }), c.listen({ host: '127.0.0.1', port: pc })]);
  const [ia, ib, ic] = [inbox(a), inbox(b), inbox(c)];
  try {
    a.send(message({ type: 'app', from: 1, to: 2, term: 3, index: 7 }));
    expect(await ib.next()).toMatchObject({ type: 'app', from: 1, term: 3, index: 7 });
    // B never learnt A's address: the answer rides A's connection.
    b.send(message({ type: 'appResp', from: 2, to: 1, term: 3, index: 7 }));
    expect(await ia.next()).toMatchObject({ type: 'appResp', from: 2, index: 7 });
    // A message for a member nobody can reach is dropped, not an error.
    b.send(message({ type: 'app', from: 2, to: 3, term: 3 }));
    b.setPeer(3, { host: '127.0.0.1', port: pc });
    b.send(message({ type: 'heartbeat', from: 2, to: 3, term: 3 }));
    expect(await ic.next()).toMatchObject({ type: 'heartbeat', from: 2 });
    expect(ic.got).toEqual([]);
  } finally {
    await Promise.all([a.close(), b.close(), c.close()]);
  }
});
