/**
 * Bytes -> text, detecting what spreadsheet apps actually write: UTF-8 (with or without BOM), UTF-16 LE/BE ("Unicode
 * text" from Excel: with BOM, sometimes without), and the single-byte encodings of older Excel: Windows-1252, Mac
 * Roman and DOS CP850. A single-byte file carries no name for its encoding, so it is guessed from how its accented
 * letters read; when the guess is close, `sure` is false and the caller shows the text and asks.
 */
import { SheetReadError } from './errors';
import {
  ENCODING_NAMES,
  SINGLE_BYTE_ENCODINGS,
  decodeSingleByte,
  plausibility,
  singleByteOf,
  type SingleByteEncoding,
} from './single-byte';

export type DetectedEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | SingleByteEncoding;

export interface DecodedText {
  text: string;
  /** "utf-8", "utf-16le", "utf-16be", "windows-1252", "macintosh", "ibm850", or an override's WHATWG name. */
  encoding: string;
  hadBom: boolean;
  /** False when the encoding was guessed and another reading was nearly as likely. */
  sure: boolean;
  /** The other encodings that were close, best first (only when not sure). */
  alternatives: string[];
}

const BOMS: ReadonlyArray<{ encoding: DetectedEncoding; bytes: readonly number[] }> = [
  { encoding: 'utf-8', bytes: [0xef, 0xbb, 0xbf] },
  { encoding: 'utf-16le', bytes: [0xff, 0xfe] },
  { encoding: 'utf-16be', bytes: [0xfe, 0xff] },
];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

/** The encoding named by a byte-order mark, and the mark's length. */
export function sniffBom(bytes: Uint8Array): { encoding: DetectedEncoding; length: number } | null {
  for (const bom of BOMS) if (startsWith(bytes, bom.bytes)) return { encoding: bom.encoding, length: bom.bytes.length };
  return null;
}

/**
 * BOM-less UTF-16 shows as NUL bytes in every other position for Latin text. Looks at the first 4 KB: a side with
 * many NULs while the other has few decides the byte order.
 */
export function sniffUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul / pairs > 0.3 && evenNul / pairs < 0.05) return 'utf-16le';
  if (evenNul / pairs > 0.3 && oddNul / pairs < 0.05) return 'utf-16be';
  return null;
}

/**
 * True when the first 64 KB hold a byte sequence UTF-8 cannot have: a single-byte file shows one at its first accented
 * letter, so it is known for what it is without decoding the whole file twice first.
 */
function invalidUtf8Early(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 64 * 1024);
  for (let i = 0; i < end; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    const need = b >= 0xf0 && b <= 0xf4 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 && b <= 0xdf ? 1 : -1;
    if (need < 0 || b > 0xf4) return true;
    if (i + need >= bytes.length) return false; // cut at the end: the strict decode decides
    for (let k = 1; k <= need; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return true;
    i += need;
  }
  return false;
}

/**
 * The text when the bytes are valid UTF-8, else null. The lenient decoder is several times faster than the strict
 * one, and only an invalid sequence (or a U+FFFD really written in the file) leaves a U+FFFD behind, so the strict
 * decode runs only then, to tell the two apart.
 */
function strictUtf8(bytes: Uint8Array): string | null {
  if (invalidUtf8Early(bytes)) return null;
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  if (!text.includes('\ufffd')) return text;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

export function isValidUtf8(bytes: Uint8Array): boolean {
  return strictUtf8(bytes) !== null;
}

const GUESS_SAMPLE_BYTES = 64 * 1024;

/**
 * Picks the single-byte encoding under which the file's accented letters read most like European text. Sure when
 * the winner is clearly ahead; otherwise the close runners-up are returned too, best first.
 */
export function guessSingleByte(bytes: Uint8Array): { encoding: SingleByteEncoding; sure: boolean; alternatives: SingleByteEncoding[]; score: number } {
  // From the first accented letter on: a long ASCII header or intro says nothing about the code page.
  let first = bytes.findIndex((b) => b >= 0x80);
  if (first < 0) first = 0;
  const from = Math.max(0, first - 64);
  const sample = bytes.subarray(from, from + GUESS_SAMPLE_BYTES);
  const high: number[] = [];
  for (let i = 0; i < sample.length; i++) if (sample[i]! >= 0x80) high.push(i);
  // Single-byte decodings keep one character per byte, so byte positions are string positions.
  const scored = SINGLE_BYTE_ENCODINGS.map((encoding) => ({ encoding, score: plausibility(decodeSingleByte(sample, encoding), high) })).sort(
    (a, b) => b.score - a.score,
  );
  const best = scored[0]!;
  const close = scored.slice(1).filter((s) => best.score - s.score < Math.max(4, Math.abs(best.score) * 0.25));
  return { encoding: best.encoding, sure: close.length === 0, alternatives: close.map((s) => s.encoding), score: best.score };
}

/**
 * Valid UTF-8 that a single-byte file can also be: a Mac Roman "“École" is the bytes D2 83..., which UTF-8 reads as a
 * Cyrillic mark glued to "cole". Real UTF-8 text does not put C1 control codes anywhere, nor a Greek, Cyrillic, Hebrew
 * or Arabic letter (or a combining mark) right against a Latin one.
 */
function suspiciousUtf8(text: string): boolean {
  const sample = text.slice(0, GUESS_SAMPLE_BYTES);
  // Only a handful of such bytes can pass for UTF-8 by chance; a file with many non-ASCII characters is UTF-8.
  let nonAscii = 0;
  for (let i = 0; i < sample.length && nonAscii <= 3; i++) if (sample.charCodeAt(i) >= 0x80) nonAscii++;
  return nonAscii <= 3 && /[\u0080-\u009f]|[A-Za-z][\u0250-\u07ff]|[\u0250-\u07ff][A-Za-z]/.test(sample);
}

function makeDecoder(label: string): TextDecoder {
  try {
    // ignoreBOM: the BOM is removed here explicitly, so the decoder must not also eat a second one.
    return new TextDecoder(label, { ignoreBOM: true });
  } catch {
    throw new SheetReadError(
      'bad-encoding',
      `"${label}" is not a text encoding this app knows. Choose UTF-8, UTF-16, Windows-1252, Mac Roman or DOS CP850, or leave the encoding on automatic.`,
    );
  }
}

/** The label of an encoding as this module names it ("cp850" -> "ibm850", "UTF8" -> "utf-8"). */
export function canonicalEncoding(label: string): string {
  const single = singleByteOf(label);
  if (single) return single;
  return makeDecoder(label.trim()).encoding;
}

export function encodingName(encoding: string): string {
  return ENCODING_NAMES[encoding] ?? encoding;
}

function decodeWith(bytes: Uint8Array, label: string): { text: string; encoding: string; hadBom: boolean } {
  const bom = sniffBom(bytes);
  const single = singleByteOf(label);
  if (single) return { text: decodeSingleByte(bytes, single), encoding: single, hadBom: false };
  const decoder = makeDecoder(label.trim());
  const encoding = decoder.encoding;
  const skip = bom && bom.encoding === encoding ? bom.length : 0;
  return { text: decoder.decode(bytes.subarray(skip)), encoding, hadBom: skip > 0 };
}

/**
 * Decodes bytes with the detected encoding, or with `override` (a WHATWG label, or "macintosh"/"ibm850" and their
 * usual names) when given. A BOM is removed only when it matches the encoding used.
 */
export function decodeBytes(bytes: Uint8Array, override?: string): DecodedText {
  if (override !== undefined && override.trim() !== '') return { ...decodeWith(bytes, override), sure: true, alternatives: [] };
  const bom = sniffBom(bytes);
  if (bom) {
    return { text: makeDecoder(bom.encoding).decode(bytes.subarray(bom.length)), encoding: bom.encoding, hadBom: true, sure: true, alternatives: [] };
  }
  const utf16 = sniffUtf16(bytes);
  if (utf16) return { text: makeDecoder(utf16).decode(bytes), encoding: utf16, hadBom: false, sure: true, alternatives: [] };
  const utf8 = strictUtf8(bytes);
  if (utf8 !== null && !suspiciousUtf8(utf8)) return { text: utf8, encoding: 'utf-8', hadBom: false, sure: true, alternatives: [] };
  if (utf8 !== null) {
    // Both fit: the better reading wins, and neither is sure.
    const single = guessSingleByte(bytes);
    if (single.score < 4) return { text: utf8, encoding: 'utf-8', hadBom: false, sure: false, alternatives: [single.encoding] };
    return { text: decodeSingleByte(bytes, single.encoding), encoding: single.encoding, hadBom: false, sure: false, alternatives: ['utf-8', ...single.alternatives] };
  }
  const guess = guessSingleByte(bytes);
  return { text: decodeSingleByte(bytes, guess.encoding), encoding: guess.encoding, hadBom: false, sure: guess.sure, alternatives: guess.alternatives };
}

/** From this size on, decodeBytesInSlices decodes a slice at a time. */
const SLICED_DECODE_BYTES = 4 * 1024 * 1024;
const DECODE_SLICE_BYTES = 1024 * 1024;

/**
 * decodeBytes, with a big UTF-8 file (with or without BOM: the usual case) decoded a slice at a time, `pause()`
 * awaited between slices: 18 MB at once held main's event loop (Electron's main process, in the app) for up to a
 * second on a busy machine. The answer is decodeBytes' own; anything else (a small file, an override, UTF-16, an
 * invalid or suspicious UTF-8 file that may be single-byte) goes to decodeBytes as it is.
 */
export async function decodeBytesInSlices(bytes: Uint8Array, override: string | undefined, pause: () => Promise<void>): Promise<DecodedText> {
  if ((override !== undefined && override.trim() !== '') || bytes.length < SLICED_DECODE_BYTES) return decodeBytes(bytes, override);
  const bom = sniffBom(bytes);
  if (bom ? bom.encoding !== 'utf-8' : sniffUtf16(bytes) !== null || invalidUtf8Early(bytes)) return decodeBytes(bytes, override);
  const from = bom ? bom.length : 0;
  // The streaming decoder keeps a character cut by a slice's edge for the next slice.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const parts: string[] = [];
  // An invalid sequence (or a U+FFFD really written) is looked for slice by slice too, not in the whole text after.
  let replaced = false;
  for (let at = from; at < bytes.length; at += DECODE_SLICE_BYTES) {
    if (at > from) await pause();
    const part = decoder.decode(bytes.subarray(at, at + DECODE_SLICE_BYTES), { stream: true });
    replaced ||= part.includes('\ufffd');
    parts.push(part);
  }
  parts.push(decoder.decode());
  replaced ||= parts.at(-1)!.includes('\ufffd');
  const text = parts.join('');
  if (bom) return { text, encoding: 'utf-8', hadBom: true, sure: true, alternatives: [] };
  // Not valid UTF-8, or UTF-8 a single-byte file can also be: decodeBytes decides.
  if (replaced || suspiciousUtf8(text)) return decodeBytes(bytes, override);
  return { text, encoding: 'utf-8', hadBom: false, sure: true, alternatives: [] };
}
