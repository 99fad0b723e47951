// Records holding huge values (a ten-million-element list) are packed a slice at a time,
// with the event loop free between slices, so one client pulling such a record does not
// hold up every other session for the seconds the packing takes. The whole message is
// packed before any of it is written: a value that cannot be encoded still fails the
// record cleanly, with nothing on the wire.

import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { typeError } from '../errors.js';
import type { Value } from '../values/model.js';
import { MAX_CHUNK } from './chunking.js';
import { RECORD } from './messages.js';
import { MAX_DEPTH, Packer } from './packstream.js';
import type { PackOptions } from './types.js';

/** Elements (list items, map entries) in a record above which it is packed in slices. */
export const LARGE_RECORD_ELEMENTS = 100_000;

/** Elements packed between two looks at the clock. */
const SLICE_ELEMENTS = 4096;
/** Packing time after which the event loop gets a turn. */
const SLICE_MS = 10;
/** Packed bytes collected before they are framed into chunks. */
const FRAME_BYTES = 1 << 20;

/** Whether a record has more than LARGE_RECORD_ELEMENTS elements; stops counting there. */
export function isLargeRecord(values: readonly Value[]): boolean {
  let budget = LARGE_RECORD_ELEMENTS;
  const stack: Value[] = [...values];
  for (let v = stack.pop(); v !== undefined; v = stack.pop()) {
    if (Array.isArray(v)) {
      budget -= v.length;
      if (budget < 0) return true;
      for (const x of v) if (typeof x === 'object' && x !== null) stack.push(x);
    } else if (v instanceof Map) {
      budget -= v.size;
      if (budget < 0) return true;
      for (const x of v.values()) if (typeof x === 'object' && x !== null) stack.push(x);
    }
  }
  return false;
}

/** Cuts a message body into Bolt chunks as it arrives; `end()` adds the `00 00` marker. */
class ChunkFramer {
  private rest: Buffer = Buffer.alloc(0);

  push(body: Buffer): Buffer {
    const data = this.rest.length > 0 ? Buffer.concat([this.rest, body]) : body;
    const full = Math.floor(data.length / MAX_CHUNK);
    const out = Buffer.allocUnsafe(full * (MAX_CHUNK + 2));
    for (let i = 0; i < full; i++) {
      out.writeUInt16BE(MAX_CHUNK, i * (MAX_CHUNK + 2));
      data.copy(out, i * (MAX_CHUNK + 2) + 2, i * MAX_CHUNK, (i + 1) * MAX_CHUNK);
    }
    this.rest = data.subarray(full * MAX_CHUNK);
    return out;
  }

  end(): Buffer {
    const n = this.rest.length;
    const out = Buffer.allocUnsafe(n + (n > 0 ? 4 : 2));
    let pos = 0;
    if (n > 0) {
      out.writeUInt16BE(n, 0);
      this.rest.copy(out, 2);
      pos = n + 2;
    }
    out[pos] = 0;
    out[pos + 1] = 0;
    return out;
  }
}

/** Packs `v` like Packer.pack, yielding after every SLICE_ELEMENTS elements of big lists and maps. */
function* packSliced(p: Packer, v: Value, depth: number, counter: { n: number }): Generator<void> {
  if (depth > MAX_DEPTH) throw typeError(`Value nested deeper than ${MAX_DEPTH} levels`);
  const big = (x: Value): boolean => (Array.isArray(x) && x.length > SLICE_ELEMENTS) || (x instanceof Map && x.size > SLICE_ELEMENTS);
  const item = function* (x: Value): Generator<void> {
    if (big(x)) {
      yield* packSliced(p, x, depth + 1, counter);
      return;
    }
    p.pack(x, depth + 1);
    counter.n += 1 + (Array.isArray(x) ? x.length : x instanceof Map ? x.size : 0);
    if (counter.n >= SLICE_ELEMENTS) {
      counter.n = 0;
      yield;
    }
  };
  if (Array.isArray(v)) {
    p.packListHeader(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      // Small items skip the nested generator: it costs more than packing them.
      if (!big(x)) {
        p.pack(x, depth + 1);
        if (++counter.n >= SLICE_ELEMENTS) {
          counter.n = 0;
          yield;
        }
      } else yield* item(x);
    }
  } else if (v instanceof Map) {
    p.packMapHeader(v.size);
    for (const [k, x] of v) {
      p.packString(k);
      yield* item(x);
    }
  } else p.pack(v, depth);
}

/** The framed RECORD message, ready to write; rejects (having written nothing) if a value cannot be encoded. */
export async function encodeLargeRecord(values: readonly Value[], options: PackOptions): Promise<Buffer[]> {
  const p = new Packer(options, FRAME_BYTES * 2);
  const framer = new ChunkFramer();
  const out: Buffer[] = [];
  p.packStructHeader(1, RECORD);
  p.packListHeader(values.length);
  const counter = { n: 0 };
  let sliceStart = performance.now();
  for (const value of values) {
    for (const _ of packSliced(p, value, 1, counter)) {
      if (p.pos >= FRAME_BYTES) out.push(framer.push(p.take()));
      if (performance.now() - sliceStart >= SLICE_MS) {
        await yieldToLoop();
        sliceStart = performance.now();
      }
    }
  }
  out.push(framer.push(p.take()), framer.end());
  return out;
}
