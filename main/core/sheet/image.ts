/**
 * The image cell: an https URL, a data: URL or a file path inside the sheet's folder. Pure checks here; what a local
 * file is (where it really points after links, how large, what its first bytes say) is asked of an injected
 * `checkFile`, because the renderer and the CLI each know how to look.
 */
import { formatMegabytes } from './format';
import { IMAGE_LIMIT_BYTES } from './limits';

export type ImageRef =
  | { kind: 'url'; url: string }
  | { kind: 'data'; bytes: number; isImage: boolean }
  | { kind: 'path'; path: string }
  | { kind: 'invalid'; reason: string };

export interface FileCheck {
  exists: boolean;
  bytes?: number;
  /** False when the path, links resolved, leads outside the sheet's folder. */
  inside?: boolean;
  /** The file's first bytes (16 are enough), to tell an image by its content rather than its name. */
  head?: Uint8Array;
}
export type CheckFile = (path: string) => FileCheck | Promise<FileCheck>;

export type ImageKind = 'png' | 'jpeg' | 'webp' | 'gif';

/** What an image's first bytes say it is, or null when they are not one of the formats Venice takes. */
export function imageKindOf(head: Uint8Array): ImageKind | null {
  const at = (i: number, ...b: number[]) => b.every((v, k) => head[i + k] === v);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'jpeg';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'webp';
  if (at(0, 0x47, 0x49, 0x46, 0x38)) return 'gif';
  return null;
}

/** Decoded size of a base64 payload. */
function base64Bytes(payload: string): number {
  const clean = payload.replace(/\s+/g, '');
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((clean.length * 3) / 4) - padding);
}

function base64Head(payload: string): Uint8Array {
  try {
    const text = atob(payload.replace(/\s+/g, '').slice(0, 24));
    return Uint8Array.from(text, (c) => c.charCodeAt(0));
  } catch {
    return new Uint8Array(0);
  }
}

const NOT_A_FILE_URL =
  'file:// addresses are not accepted in the image column: write the path of the image relative to the sheet\'s folder (e.g. images/shot1.png), or use an https URL.';

export function classifyImage(text: string): ImageRef {
  const value = text.trim();
  if (/^data:/i.test(value)) {
    const comma = value.indexOf(',');
    const meta = comma < 0 ? value : value.slice(0, comma);
    const declared = /^data:image\/[\w.+-]+(;[^,]*)?;base64$/i.test(meta);
    const payload = comma < 0 ? '' : value.slice(comma + 1);
    return { kind: 'data', isImage: declared && imageKindOf(base64Head(payload)) !== null, bytes: base64Bytes(payload) };
  }
  // A scheme of two or more letters ("C:\..." is a Windows drive, not a scheme).
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(value)?.[1]?.toLowerCase();
  if (scheme === 'https') {
    try {
      const url = new URL(value);
      if (!url.hostname) throw new Error('no host');
      return { kind: 'url', url: url.href };
    } catch {
      return { kind: 'invalid', reason: `Image URL "${value}" is not a valid web address: check it.` };
    }
  }
  if (scheme === 'http') return { kind: 'invalid', reason: `Image URL "${value}" is plain http: use its https address, or a file in the sheet's folder.` };
  if (scheme === 'file') return { kind: 'invalid', reason: NOT_A_FILE_URL };
  if (scheme !== undefined && /^[a-z][a-z0-9+.-]+:/i.test(value) && !/^[a-z]:[\\/]/i.test(value)) {
    return { kind: 'invalid', reason: `Image "${value}" is not an https URL or a file path: use one of those.` };
  }
  return { kind: 'path', path: value };
}

export function tooLargeMessage(bytes: number, what: 'Image' | 'Image file'): string {
  return `${what} is ${formatMegabytes(bytes)}; images over ${formatMegabytes(IMAGE_LIMIT_BYTES)} are too large to send (Venice refuses requests over about 25 MB, and sending an image adds a third to its size): use a smaller image or an https URL.`;
}

/** Problems visible without touching the disk, or null. */
export function imageProblem(ref: ImageRef): string | null {
  switch (ref.kind) {
    case 'invalid':
      return ref.reason;
    case 'data':
      if (!ref.isImage) return 'The image cell holds a data: URL that is not a base64 PNG, JPEG, WebP or GIF image: use a file path or an https URL.';
      return ref.bytes > IMAGE_LIMIT_BYTES ? tooLargeMessage(ref.bytes, 'Image') : null;
    default:
      return null;
  }
}

/** Asks `checkFile` about a local image; returns a message when it is missing, outside the folder, not an image or too large. */
export async function checkImageFile(path: string, checkFile: CheckFile): Promise<string | null> {
  let found: FileCheck;
  try {
    found = await checkFile(path);
  } catch (e) {
    return `Image file could not be checked: ${path} (${e instanceof Error ? e.message : String(e)}) — check the path or use an https URL.`;
  }
  if (found.inside === false) {
    return `Image "${path}" is outside the sheet's folder (links followed): only images in the sheet's folder or below it are sent. Copy the image there and write its path from the sheet's folder, or use an https URL.`;
  }
  if (!found.exists) return `Image file not found: ${path} — check the path (it is read from the sheet's folder) or use an https URL.`;
  if (found.head !== undefined && imageKindOf(found.head) === null) {
    return `Image "${path}" is not a PNG, JPEG, WebP or GIF image (its content says otherwise, whatever its name): export it as one of those, or use an https URL.`;
  }
  if (found.bytes !== undefined && found.bytes > IMAGE_LIMIT_BYTES) return tooLargeMessage(found.bytes, 'Image file');
  return null;
}
