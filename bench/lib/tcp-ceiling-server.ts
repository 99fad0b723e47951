// The baseline server for bench/roundtrip: reads `requestSize` bytes, answers
// `responseSize` bytes. Runs in its own process, like mgha, so neither side shares an
// event loop with the load generator. Prints its port on stdout.
//
//   node dist/bench/lib/tcp-ceiling-server.js <requestSize> <responseSize>

import net from 'node:net';

const requestSize = Number(process.argv[2]);
const responseSize = Number(process.argv[3]);
if (!(requestSize > 0 && responseSize > 0)) {
  console.error('usage: tcp-ceiling-server <requestSize> <responseSize>');
  process.exit(2);
}
const response = Buffer.alloc(responseSize, 1);
const server = net.createServer((s) => {
  s.setNoDelay(true);
  let pending = 0;
  s.on('data', (d) => {
    pending += d.length;
    while (pending >= requestSize) {
      pending -= requestSize;
      s.write(response);
    }
  });
  s.on('error', () => s.destroy());
});
server.listen(0, '127.0.0.1', () => {
  console.log((server.address() as net.AddressInfo).port);
});
process.on('SIGTERM', () => process.exit(0));
