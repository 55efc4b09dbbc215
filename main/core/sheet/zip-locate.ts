/**
 * Where one part's packed bytes lie in a zip, read from the zip's own directory (end record, central directory, the
 * part's local header): what an unpack off the thread needs and fflate's one-call unzip does not tell. Anything
 * unusual (a zip64 record, a name or size that does not match what fflate listed, a range past the end) gives
 * undefined, and the caller unpacks the part the plain way, which reports damage as it always did.
 */
const END_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
/** The end record is 22 bytes plus a comment of at most 65,535. */
const END_SEARCH = 22 + 0xffff;
const ZIP64 = 0xffffffff;

export interface PartRange {
  /** Offset of the part's packed bytes in the zip, and one past their end. */
  start: number;
  end: number;
}

/** `name`, `packedSize` and `size`: the part as fflate listed it, which the directory read here must match. */
export function locatePart(bytes: Uint8Array, part: { name: string; packedSize: number; size: number }): PartRange | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  const inside = (at: number, length: number) => at >= 0 && at + length <= bytes.byteLength;
  let endAt = -1;
  for (let at = bytes.byteLength - 22; at >= Math.max(0, bytes.byteLength - END_SEARCH); at--) {
    if (u32(at) === END_SIGNATURE) {
      endAt = at;
      break;
    }
  }
  if (endAt < 0) return undefined;
  const count = u16(endAt + 10);
  let at = u32(endAt + 16);
  if (count === 0xffff || at === ZIP64) return undefined;
  const names = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (!inside(at, 46) || u32(at) !== CENTRAL_SIGNATURE) return undefined;
    const nameLength = u16(at + 28);
    const next = at + 46 + nameLength + u16(at + 30) + u16(at + 32);
    if (!inside(at + 46, nameLength)) return undefined;
    if (names.decode(bytes.subarray(at + 46, at + 46 + nameLength)) === part.name) {
      const packed = u32(at + 20);
      const local = u32(at + 42);
      if (packed === ZIP64 || local === ZIP64 || packed !== part.packedSize || u32(at + 24) !== part.size) return undefined;
      if (!inside(local, 30) || u32(local) !== LOCAL_SIGNATURE) return undefined;
      const start = local + 30 + u16(local + 26) + u16(local + 28);
      return inside(start, packed) ? { start, end: start + packed } : undefined;
    }
    at = next;
  }
  return undefined;
}
