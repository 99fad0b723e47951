// Raft records on the wire: every field survives encoding, and garbage is refused.
import { decodeMessage, encodeMessage } from '../../../../dataplane/coordination/raft/codec.js';
import { frame, readFrames } from '../../../../dataplane/coordination/raft/framing.js';
import { message } from '../../../../dataplane/coordination/raft/types.js';

describe('raft codec and framing', () => {
  test('a message with entries and a snapshot round-trips', () => {
    const m = message({
      type: 'app',
      from: 1,
      to: 2,
      term: 7,
      logTerm: 6,
      index: 41,
      commit: 40,
      entries: [{ term: 7, index: 42, type: 'normal', data: new Uint8Array([0, 1, 255]) }],
      snapshot: { metadata: { index: 30, term: 5, conf: { voters: [1, 2, 3] } }, data: new TextEncoder().encode('state') },
      context: 'r1',
    });
    expect(decodeMessage(encodeMessage(m))).toEqual(m);
  });

  test('local message types and non-messages are refused', () => {
    expect(() => decodeMessage(encodeMessage(message({ type: 'hup', from: 1, term: 1 })))).toThrow();
    expect(() => decodeMessage(Buffer.from('{"type":"app"}'))).toThrow();
  });

  test('frames split anywhere reassemble; a flipped bit is detected', () => {
    const bytes = Buffer.concat([frame(Buffer.from('one')), frame(Buffer.from('two'))]);
    const partial = readFrames(bytes.subarray(0, bytes.length - 2));
    expect(partial.payloads.map(String)).toEqual(['one']);
    expect(readFrames(bytes).payloads.map(String)).toEqual(['one', 'two']);
    const bad = Buffer.from(bytes);
    bad[5] ^= 1;
    expect(readFrames(bad).corrupt).toBe(true);
  });
});
