import { negotiate } from '../../../dataplane/bolt/handshake.js';

function proposal(...slots: number[][]): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt32BE(0x6060b017, 0);
  slots.forEach((s, i) => Buffer.from(s).copy(b, 4 + i * 4));
  return b;
}

function version(b: Buffer): string {
  const r = negotiate(b);
  return r.ok ? `${r.version.major}.${r.version.minor} ${r.reply.toString('hex')}` : `refused ${r.reply?.toString('hex') ?? 'close'}`;
}

test('neo4j-driver 6.x proposal (manifest, 5.8..5.0, 4.4..4.2, 3.0) → 5.4', () => {
  expect(version(proposal([0, 0, 1, 0xff], [0, 8, 8, 5], [0, 2, 4, 4], [0, 0, 0, 3]))).toBe('5.4 00000405');
});

test('ranges: the first slot that overlaps wins at its highest supported minor', () => {
  expect(version(proposal([0, 0, 2, 5], [0, 0, 4, 5]))).toBe('5.2 00000205');
  expect(version(proposal([0, 0, 0, 3], [0, 2, 4, 4]))).toBe('4.4 00000404');
  expect(version(proposal([0, 1, 4, 4]))).toBe('4.4 00000404');
  expect(version(proposal([0, 0, 3, 4]))).toBe('4.3 00000304');
  expect(version(proposal([0, 3, 9, 5]))).toBe('refused 00000000');
  expect(version(proposal([0, 5, 9, 5]))).toBe('5.4 00000405');
});

test('nothing supported → 00 00 00 00; bad magic or short input → close', () => {
  expect(version(proposal([0, 0, 0, 3], [0, 0, 1, 4]))).toBe('refused 00000000');
  expect(version(proposal())).toBe('refused 00000000');
  const bad = proposal([0, 0, 4, 5]);
  bad[0] = 0x61;
  expect(version(bad)).toBe('refused close');
  expect(version(proposal([0, 0, 4, 5]).subarray(0, 19))).toBe('refused close');
});
