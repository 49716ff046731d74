/**
 * IDX, the file format of MNIST (LeCun): a big-endian header — two zero
 * bytes, a type code (0x08 = unsigned byte), the number of dimensions — then
 * one u32 per dimension, then the data. Images are [count, 28, 28] u8,
 * labels [count] u8.
 */
import { ValueError } from '../errors.js';
import { checkFinite, describeValue } from '../options.js';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Parse an IDX file of unsigned bytes; `what` names it in errors. */
export function parseIdx(bytes: Uint8Array, what = 'IDX file', expectedRank?: number): IdxArray {
  if (typeof what !== 'string') throw new ValueError(`parseIdx: what must be a string naming the file, got ${describeValue(what)}`);
  if (expectedRank !== undefined) checkFinite('parseIdx', 'expectedRank', expectedRank, { integer: true, min: 1, max: 255 });
  if (!(bytes instanceof Uint8Array)) {
    throw new ValueError(`${what}: must be a Uint8Array (the file's bytes), got ${Object.prototype.toString.call(bytes)}`);
  }
  if (bytes.byteLength < 4) throw new ValueError(`${what}: ${bytes.byteLength} bytes is too short for an IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const typeCode = (magic >> 8) & 0xff;
  const rank = magic & 0xff;
  if ((magic >>> 16) !== 0 || typeCode !== 0x08) {
    throw new ValueError(`${what}: bad magic number 0x${magic.toString(16).padStart(8, '0')}; expected 0x0000080N (IDX, unsigned bytes)`);
  }
  if (expectedRank !== undefined && rank !== expectedRank) {
    throw new ValueError(`${what}: has ${rank} dimensions, expected ${expectedRank} (magic 0x${(0x800 + expectedRank).toString(16).padStart(8, '0')})`);
  }
  if (rank === 0) throw new ValueError(`${what}: has 0 dimensions; an IDX file has at least 1`);
  const headerBytes = 4 + 4 * rank;
  if (bytes.byteLength < headerBytes) throw new ValueError(`${what}: truncated header (${bytes.byteLength} bytes, need ${headerBytes})`);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const have = bytes.byteLength - headerBytes;
  if (have < count) {
    throw new ValueError(`${what}: truncated: dims [${dims.join(',')}] need ${count} data bytes, file has ${have}`);
  }
  if (have > count) throw new ValueError(`${what}: ${have - count} unexpected bytes after the data (dims [${dims.join(',')}])`);
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Build an IDX file (for tests and small subsets). */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  // The header holds 1..255 dims, each a u32, and the data must fill them exactly.
  if (!Array.isArray(dims) || dims.length < 1 || dims.length > 255) {
    throw new ValueError(`encodeIdx: dims must be an array of 1 to 255 sizes, got ${describeValue(dims)}`);
  }
  dims.forEach((d, i) => checkFinite('encodeIdx', `dims[${i}]`, d, { integer: true, min: 0, max: 0xffffffff }));
  if (!(data instanceof Uint8Array)) throw new ValueError(`encodeIdx: data must be a Uint8Array, got ${describeValue(data)}`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new ValueError(`encodeIdx: dims [${dims.join(',')}] need ${count} bytes of data, got ${data.length}`);
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x0800 + dims.length, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
