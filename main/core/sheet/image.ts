/**
 * The image cell: an http(s) URL, a data: URL or a local file path. Pure checks here; whether a local file exists
 * is asked of an injected `checkFile` (the renderer and the CLI each know how to look).
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
}
export type CheckFile = (path: string) => FileCheck | Promise<FileCheck>;

/** Decoded size of a base64 payload. */
function base64Bytes(payload: string): number {
  const clean = payload.replace(/\s+/g, '');
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((clean.length * 3) / 4) - padding);
}

/** file:///C:/x%20y.png -> C:/x y.png ; file:///home/a.png -> /home/a.png */
function fileUrlPath(url: URL): string {
  const path = decodeURIComponent(url.pathname);
  const drive = /^\/[A-Za-z]:/.test(path) ? path.slice(1) : path;
  return url.host ? `//${url.host}${drive}` : drive;
}

export function classifyImage(text: string): ImageRef {
  const value = text.trim();
  if (/^data:/i.test(value)) {
    const comma = value.indexOf(',');
    const meta = comma < 0 ? value : value.slice(0, comma);
    const isImage = /^data:image\/[\w.+-]+(;[^,]*)?;base64$/i.test(meta);
    return { kind: 'data', isImage, bytes: comma < 0 ? 0 : base64Bytes(value.slice(comma + 1)) };
  }
  // A scheme of two or more letters ("C:\..." is a Windows drive, not a scheme).
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(value)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') {
    try {
      const url = new URL(value);
      if (!url.hostname) throw new Error('no host');
      return { kind: 'url', url: url.href };
    } catch {
      return { kind: 'invalid', reason: `Image URL "${value}" is not a valid web address: check it.` };
    }
  }
  if (scheme === 'file') {
    try {
      return { kind: 'path', path: fileUrlPath(new URL(value)) };
    } catch {
      return { kind: 'invalid', reason: `Image "${value}" is not a valid file address: use a plain file path.` };
    }
  }
  if (scheme !== undefined && /^[a-z][a-z0-9+.-]+:\/\//i.test(value)) {
    return { kind: 'invalid', reason: `Image "${value}" is not an https URL, a data: URL or a file path: use one of those.` };
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
      if (!ref.isImage) return 'The image cell holds a data: URL that is not a base64 image: use a file path or an https URL.';
      return ref.bytes > IMAGE_LIMIT_BYTES ? tooLargeMessage(ref.bytes, 'Image') : null;
    default:
      return null;
  }
}

/** Asks `checkFile` about a local image; returns a message when it is missing, too large or cannot be checked. */
export async function checkImageFile(path: string, checkFile: CheckFile): Promise<string | null> {
  let found: FileCheck;
  try {
    found = await checkFile(path);
  } catch (e) {
    return `Image file could not be checked: ${path} (${e instanceof Error ? e.message : String(e)}) — check the path or use an https URL.`;
  }
  if (!found.exists) return `Image file not found: ${path} — check the path or use an https URL.`;
  if (found.bytes !== undefined && found.bytes > IMAGE_LIMIT_BYTES) return tooLargeMessage(found.bytes, 'Image file');
  return null;
}
