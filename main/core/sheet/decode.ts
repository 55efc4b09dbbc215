/**
 * Bytes -> text, detecting what spreadsheet apps actually write: UTF-8 (with or without BOM), UTF-16 LE/BE
 * ("Unicode text" from Excel: with BOM, sometimes without), and Windows-1252 (CSV saved by European Excel).
 * Pure WHATWG TextDecoder, so the browser and Node decode identically.
 */
import { SheetReadError } from './errors';

export type DetectedEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface DecodedText {
  text: string;
  /** The WHATWG name of the encoding used ("utf-8", "utf-16le", "utf-16be", "windows-1252", or an override's name). */
  encoding: string;
  hadBom: boolean;
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

export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function makeDecoder(label: string): TextDecoder {
  try {
    // ignoreBOM: the BOM is removed here explicitly, so the decoder must not also eat a second one.
    return new TextDecoder(label, { ignoreBOM: true });
  } catch {
    throw new SheetReadError(
      'bad-encoding',
      `"${label}" is not a text encoding this app knows. Choose UTF-8, UTF-16 or Windows-1252 (Western European), or leave the encoding on automatic.`,
    );
  }
}

/**
 * Decodes bytes with the detected encoding, or with `override` (any WHATWG label) when given. A BOM is removed only
 * when it matches the encoding used.
 */
export function decodeBytes(bytes: Uint8Array, override?: string): DecodedText {
  const bom = sniffBom(bytes);
  if (override !== undefined && override.trim() !== '') {
    const decoder = makeDecoder(override.trim());
    const encoding = decoder.encoding;
    const skip = bom && bom.encoding === encoding ? bom.length : 0;
    return { text: decoder.decode(bytes.subarray(skip)), encoding, hadBom: skip > 0 };
  }
  if (bom) {
    return { text: makeDecoder(bom.encoding).decode(bytes.subarray(bom.length)), encoding: bom.encoding, hadBom: true };
  }
  const utf16 = sniffUtf16(bytes);
  if (utf16) return { text: makeDecoder(utf16).decode(bytes), encoding: utf16, hadBom: false };
  if (isValidUtf8(bytes)) return { text: makeDecoder('utf-8').decode(bytes), encoding: 'utf-8', hadBom: false };
  return { text: makeDecoder('windows-1252').decode(bytes), encoding: 'windows-1252', hadBom: false };
}
