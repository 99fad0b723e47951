// A Bolt 4.4 client on a raw socket that sends HELLO then ROUTE and returns the server's
// two answers (tag and fields), for the ROUTE tests of data instances and coordinators.
import net from 'node:net';
import { chunk, Dechunker } from '../../dataplane/bolt/chunking.js';
import { Packer, Unpacker } from '../../dataplane/bolt/packstream.js';
import type { Value } from '../../dataplane/values/model.js';

/** HELLO, then ROUTE; the server's answers. */
export function helloAndRoute(port: number): Promise<{ tag: number; fields: Value[] }[]> {
  const message = (tag: number, ...fields: Value[]): Buffer => {
    const p = new Packer({ elementIds: true, utcDateTime: true });
    p.packStructHeader(fields.length, tag);
    for (const f of fields) p.pack(f);
    return chunk(p.take());
  };
  const handshake = Buffer.from('6060b01700000404000000000000000000000000', 'hex');
  const hello = message(0x01, new Map<string, Value>([['user_agent', 'ha-test/1'], ['scheme', 'none']]));
  const route = message(0x66, new Map<string, Value>([['address', `127.0.0.1:${port}`]]), [], new Map<string, Value>());
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    const answers = (): { tag: number; fields: Value[] }[] =>
      new Dechunker().feed(Buffer.concat(got).subarray(4)).map((m) => {
        const u = new Unpacker(m);
        const { size, tag } = u.structHeader();
        return { tag, fields: Array.from({ length: size }, () => u.unpack()) };
      });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no answer to ROUTE'));
    }, 10_000);
    socket.on('data', (d) => {
      got.push(d);
      if (Buffer.concat(got).length > 4 && answers().length >= 2) {
        clearTimeout(timer);
        socket.destroy();
        resolve(answers());
      }
    });
    socket.on('error', reject);
    socket.on('connect', () => socket.write(Buffer.concat([handshake, hello, route])));
  });
}
