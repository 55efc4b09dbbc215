/**
 * Just enough of the zip format to read a workbook safely: the central directory (every part's name and declared
 * sizes, read without unpacking anything), and one part at a time unpacked through the platform's own
 * DecompressionStream ('deflate-raw': in browsers and Node alike), stopped as soon as it passes what the directory
 * declared or what the caller allows. A zip bomb is refused from its directory, and a lying directory is caught
 * within one chunk of the lie.
 */
import { SheetReadError } from './errors';

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** Workbooks have tens of parts; a directory listing more is not one. */
const MAX_ENTRIES = 100_000;

function damaged(detail: string): SheetReadError {
  return new SheetReadError(
    'unreadable-workbook',
    `This file could not be read as an Excel workbook (${detail}). Open it in Excel, Numbers or Google Sheets and save or download it as .xlsx or CSV.`,
  );
}

function u64(view: DataView, at: number): number {
  const n = view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
  if (!Number.isSafeInteger(n)) throw damaged('a size in its zip directory is out of range');
  return n;
}

/** Reads the central directory. Throws SheetReadError when the bytes are not a readable zip. */
export function readZipDirectory(bytes: Uint8Array): Map<string, ZipEntry> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw damaged('its zip directory is missing: the file may be cut short');
  let count = view.getUint16(eocd + 10, true);
  let size = view.getUint32(eocd + 12, true);
  let offset = view.getUint32(eocd + 16, true);
  if ((count === 0xffff || size === 0xffffffff || offset === 0xffffffff) && eocd >= 20 && view.getUint32(eocd - 20, true) === ZIP64_LOCATOR) {
    const at = u64(view, eocd - 20 + 8);
    if (at + 56 > bytes.length || view.getUint32(at, true) !== ZIP64_EOCD) throw damaged('its zip64 directory is damaged');
    count = u64(view, at + 32);
    size = u64(view, at + 40);
    offset = u64(view, at + 48);
  }
  if (count > MAX_ENTRIES) throw damaged(`its zip directory lists ${count} parts`);
  if (offset + size > bytes.length) throw damaged('its zip directory points past the end of the file: it may be cut short');
  const names = new TextDecoder('utf-8');
  const entries = new Map<string, ZipEntry>();
  let p = offset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== CENTRAL) throw damaged('its zip directory is damaged');
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    let compressedSize = view.getUint32(p + 20, true);
    let uncompressedSize = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    let localHeaderOffset = view.getUint32(p + 42, true);
    const name = names.decode(bytes.subarray(p + 46, p + 46 + nameLength));
    // Zip64: the real sizes sit in extra field 0x0001, in this order, for each field written as 0xFFFFFFFF.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = view.getUint16(e, true);
      const len = view.getUint16(e + 2, true);
      if (id === 0x0001) {
        let f = e + 4;
        if (uncompressedSize === 0xffffffff) {
          uncompressedSize = u64(view, f);
          f += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = u64(view, f);
          f += 8;
        }
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = u64(view, f);
      }
      e += 4 + len;
    }
    entries.set(name.replace(/\\/g, '/').replace(/^\//, ''), { name, method, flags, compressedSize, uncompressedSize, localHeaderOffset });
    p = extraEnd + commentLength;
  }
  return entries;
}

function entryData(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.localHeaderOffset;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL) throw damaged(`the part ${entry.name} is damaged`);
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.length) throw damaged(`the part ${entry.name} runs past the end of the file: it may be cut short`);
  return bytes.subarray(start, end);
}

const FEED = 64 * 1024;

/**
 * Unpacks one part chunk by chunk. Stops (and throws) when it grows past the size its directory declared, so memory
 * never holds more than the declared size, which the caller has already checked against its limit.
 */
export async function* unpackEntry(bytes: Uint8Array, entry: ZipEntry): AsyncGenerator<Uint8Array> {
  if (entry.flags & 1) {
    throw new SheetReadError('encrypted', 'This workbook is password-protected. Open it in Excel or LibreOffice, remove the password (or save an unprotected copy), then import that file.');
  }
  const data = entryData(bytes, entry);
  if (entry.method === 0) {
    if (data.length !== entry.uncompressedSize) throw damaged(`the part ${entry.name} does not match its own size`);
    for (let i = 0; i < data.length; i += FEED) yield data.subarray(i, i + FEED);
    return;
  }
  if (entry.method !== 8) throw damaged(`the part ${entry.name} is compressed with method ${entry.method}, which spreadsheet apps do not use`);
  const stream = new DecompressionStream('deflate-raw');
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  let failed: unknown;
  // Fed in slices, waiting on the stream's backpressure: what is unpacked never runs far ahead of what is read.
  const feeding = (async () => {
    try {
      for (let i = 0; i < data.length; i += FEED) {
        await writer.ready;
        await writer.write(data.subarray(i, i + FEED) as Uint8Array<ArrayBuffer>);
      }
      await writer.close();
    } catch (e) {
      failed ??= e;
    }
  })();
  let total = 0;
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (e) {
        throw damaged(`the part ${entry.name} is damaged: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (chunk.done) break;
      total += chunk.value.length;
      if (total > entry.uncompressedSize) throw damaged(`the part ${entry.name} unpacks to more than its zip directory declares`);
      yield chunk.value;
    }
    if (total !== entry.uncompressedSize) throw damaged(`the part ${entry.name} unpacks to ${total} bytes, not the ${entry.uncompressedSize} its zip directory declares`);
  } finally {
    await reader.cancel().catch(() => undefined);
    await writer.abort().catch(() => undefined);
    await feeding;
  }
  if (failed && total !== entry.uncompressedSize) throw damaged(`the part ${entry.name} is damaged`);
}

/** Unpacks one (small, already size-checked) part whole, as UTF-8 text. */
export async function unpackText(bytes: Uint8Array, entry: ZipEntry): Promise<string> {
  const decoder = new TextDecoder('utf-8');
  let text = '';
  for await (const chunk of unpackEntry(bytes, entry)) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}
