// Short strings (names, keys, labels) written by hand: Buffer.write is a native call that
// costs more than encoding the whole small message around them.

/**
 * Copies `s` into `buf` at `at` (which has room for s.length bytes) when every character is
 * ASCII, and returns true; returns false at the first other character (bytes before it
 * are already written: the caller starts that string over its slow way).
 */
export function writeAscii(buf: Buffer, at: number, s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return false;
    buf[at + i] = c;
  }
  return true;
}
