/**
 * A workbook's zip, through fflate. Its directory (every part's name and declared sizes) is listed without unpacking
 * anything, through unzipSync's `filter` callback, so the caller can refuse a zip bomb before a byte is inflated; then
 * only the parts asked for are unpacked, each into a buffer of exactly the size its directory declares, so a directory
 * that lies about a size cannot make memory grow past what was checked. The sheet, the one large part, is unpacked
 * without holding the thread (unpackPartAsync).
 */
import { unzipSync } from 'fflate';
import { SheetReadError } from './errors';
import { locatePart } from './zip-locate';

export interface ZipEntry {
  name: string;
  /** Bytes in the file. */
  compressedSize: number;
  /** Bytes once unpacked, as the directory declares them. */
  size: number;
  /** 0 stored, 8 deflated: all spreadsheet apps use. */
  compression: number;
}

/** Workbooks have tens of parts; a directory listing more is not one (and is not walked to its end). */
const MAX_ENTRIES = 100_000;

export function damagedZip(detail: string): SheetReadError {
  return new SheetReadError(
    'unreadable-workbook',
    `This file could not be read as an Excel workbook (${detail}). Open it in Excel, Numbers or Google Sheets and save or download it as .xlsx or CSV.`,
  );
}

/** A name as the workbook's relationships write it: forward slashes, no leading one. */
const partName = (name: string) => name.replace(/\\/g, '/').replace(/^\//, '');

/** The directory, read without unpacking anything. Throws SheetReadError when the bytes are not a readable zip. */
export function listZip(bytes: Uint8Array): Map<string, ZipEntry> {
  const entries = new Map<string, ZipEntry>();
  try {
    unzipSync(bytes, {
      filter: (file) => {
        if (entries.size >= MAX_ENTRIES) throw damagedZip(`its zip directory lists more than ${MAX_ENTRIES} parts`);
        entries.set(partName(file.name), { name: file.name, compressedSize: file.size, size: file.originalSize, compression: file.compression });
        return false;
      },
    });
  } catch (e) {
    if (e instanceof SheetReadError) throw e;
    throw damagedZip('its zip directory is missing or damaged: the file may be cut short');
  }
  return entries;
}

/**
 * Deflate makes incompressible data at most a few bytes per 16 KB larger, so a part whose packed bytes clearly
 * outnumber what it declares unpacking to is a directory that lies (its real size could be anything): refused from
 * the directory, before its inflating could take the thread for long.
 */
export function declaresTooLittle(entry: ZipEntry): boolean {
  if (entry.compression === 0) return entry.compressedSize !== entry.size;
  return entry.compressedSize > entry.size + Math.ceil(entry.size / 1000) + 1024;
}

/** Unpacks the named parts (already checked against the limits by their declared sizes). */
export function unpackParts(bytes: Uint8Array, entries: readonly ZipEntry[]): Map<string, Uint8Array> {
  const wanted = new Map(entries.map((e) => [e.name, e]));
  const out = new Map<string, Uint8Array>();
  let current = '';
  try {
    const files = unzipSync(bytes, {
      filter: (file) => {
        current = file.name;
        const entry = wanted.get(file.name);
        if (!entry) return false;
        if (file.compression !== 0 && file.compression !== 8) {
          throw damagedZip(`the part ${partName(file.name)} is compressed with method ${file.compression}, which spreadsheet apps do not use`);
        }
        // The listing was checked; the same directory is read again here, so it cannot say otherwise now.
        return file.originalSize === entry.size;
      },
    });
    for (const entry of entries) {
      const data = files[entry.name];
      if (!data) throw damagedZip(`the part ${partName(entry.name)} is damaged`);
      out.set(partName(entry.name), data);
    }
  } catch (e) {
    if (e instanceof SheetReadError) throw e;
    // fflate stops at data that is not deflate, and at a stored block past the declared size.
    throw damagedZip(`the part ${partName(current)} is damaged, or unpacks to more than its zip directory declares`);
  }
  return out;
}

/**
 * One part, unpacked as unpackParts would (the same bytes, cut at the size its directory declares), but by the
 * platform's own inflater (DecompressionStream: zlib's thread pool in Node and Electron's main, the browser's in the
 * page's worker), so the thread is never held: a 100,000-row sheet's 35 MB of XML held it 232-315 ms in fflate's one
 * inflate, the longest block of an XLSX import; this way no block passes 8 ms, in about the same time overall.
 * Where that inflater is missing, or the zip's directory does not place the part plainly, it is unpacked the plain way.
 */
export async function unpackPartAsync(bytes: Uint8Array, entry: ZipEntry): Promise<Uint8Array> {
  const range =
    entry.compression === 8 && typeof DecompressionStream !== 'undefined'
      ? locatePart(bytes, { name: entry.name, packedSize: entry.compressedSize, size: entry.size })
      : undefined;
  if (!range) return unpackParts(bytes, [entry]).get(partName(entry.name))!;
  const out = new Uint8Array(entry.size);
  let at = 0;
  // A copy of the packed bytes only (a few MB); Blob wants them on a plain ArrayBuffer, which a file's bytes are.
  const packed = bytes.subarray(range.start, range.end) as Uint8Array<ArrayBuffer>;
  const reader = new Blob([packed]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  try {
    // Like unzipSync into a buffer of the declared size: what comes past it is not kept (the XML then stops early).
    while (at < out.length) {
      const { value, done } = await reader.read();
      if (done) break;
      const kept = Math.min(value.length, out.length - at);
      out.set(kept < value.length ? value.subarray(0, kept) : value, at);
      at += kept;
    }
  } catch {
    throw damagedZip(`the part ${partName(entry.name)} is damaged, or unpacks to more than its zip directory declares`);
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  return at === out.length ? out : out.subarray(0, at);
}
