/**
 * Turns a row's parameters into the exact /video/queue body. Local images become data: URLs here, with the size
 * checked BEFORE anything is sent (Venice answers 413 above ~25 MB, and base64 adds a third).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { QueueRequest } from '../venice/schemas';
import type { RowParams } from './types';

/** Raw image bytes that still fit under Venice's ~25 MB payload limit once base64-encoded. */
export const MAX_IMAGE_BYTES = 18 * 1024 * 1024;

const MIME_BY_EXT: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
};

export class RowInputError extends Error {
  override readonly name = 'RowInputError';
  constructor(
    readonly column: string,
    message: string,
  ) {
    super(message);
  }
}

async function imageUrlFor(image: string, baseDir: string | undefined): Promise<string> {
  if (/^https?:\/\//i.test(image) || /^data:/i.test(image)) return image;
  const file = path.resolve(baseDir ?? process.cwd(), image);
  const mime = MIME_BY_EXT[path.extname(file).toLowerCase()];
  if (!mime) throw new RowInputError('image', `Image ${path.basename(file)} is not a PNG, JPEG, WebP or GIF file.`);
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new RowInputError('image', `Image file not found: ${file}. Check the path or use an https URL.`);
  }
  if (size > MAX_IMAGE_BYTES) {
    throw new RowInputError(
      'image',
      `Image ${path.basename(file)} is ${(size / 1048576).toFixed(1)} MB; Venice accepts about 18 MB once encoded. Use a smaller image or an https URL.`,
    );
  }
  return `data:${mime};base64,${(await readFile(file)).toString('base64')}`;
}

export async function buildQueueRequest(params: RowParams, baseDir?: string): Promise<QueueRequest> {
  const req: QueueRequest = { model: params.model, prompt: params.prompt, duration: params.duration };
  if (params.negative_prompt) req.negative_prompt = params.negative_prompt;
  if (params.resolution) req.resolution = params.resolution;
  if (params.aspect_ratio) req.aspect_ratio = params.aspect_ratio;
  if (params.audio !== undefined) req.audio = params.audio;
  if (params.image) req.image_url = await imageUrlFor(params.image, baseDir);
  return req;
}

/** What is stored in the attempt's history: the request minus image bytes (a data: URL can be megabytes). */
export function requestForHistory(req: QueueRequest): string {
  const copy = { ...req };
  if (copy.image_url?.startsWith('data:')) copy.image_url = `${copy.image_url.slice(0, 32)}…(${copy.image_url.length} chars)`;
  return JSON.stringify(copy);
}
