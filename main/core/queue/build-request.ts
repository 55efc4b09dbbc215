/**
 * Turns a row's parameters into the exact /video/queue body. Local images become data: URLs here, checked again as
 * they are sent (the sheet was checked when it was read, but the file may have been swapped, linked elsewhere or
 * grown since): the real path must stay inside the sheet's folder, the bytes must be an image (their type comes from
 * them, not from the name), and the size must fit Venice's ~25 MB payload limit once base64 adds a third.
 */
import { readFile } from 'node:fs/promises';
import { resolveImageInFolder } from '../image-file';
import { checkImageFile, classifyImage, imageKindOf, imageProblem, tooLargeMessage } from '../sheet/image';
import { IMAGE_LIMIT_BYTES } from '../sheet/limits';
import type { QueueRequest } from '../venice/schemas';
import type { RowParams } from './types';

/** Raw image bytes that still fit under Venice's ~25 MB payload limit once base64-encoded. */
export const MAX_IMAGE_BYTES = IMAGE_LIMIT_BYTES;

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
  const ref = classifyImage(image);
  const problem = imageProblem(ref);
  if (problem) throw new RowInputError('image', problem);
  if (ref.kind !== 'path') return image.trim();
  if (!baseDir) {
    throw new RowInputError('image', `Image "${ref.path}" is a file path, but this batch has no sheet folder to read it from: use an https URL for it.`);
  }
  const found = await resolveImageInFolder(baseDir, ref.path);
  const fileProblem = await checkImageFile(ref.path, () => found.check);
  if (fileProblem || !found.real) throw new RowInputError('image', fileProblem ?? `Image file not found: ${ref.path} — check the path (it is read from the sheet's folder) or use an https URL.`);
  // The bytes sent are judged again as read: the file could change between the check and the read.
  const bytes = await readFile(found.real);
  if (bytes.length > MAX_IMAGE_BYTES) throw new RowInputError('image', tooLargeMessage(bytes.length, 'Image file'));
  const kind = imageKindOf(bytes.subarray(0, 16));
  if (!kind) throw new RowInputError('image', `Image "${ref.path}" is not a PNG, JPEG, WebP or GIF image (its content says otherwise, whatever its name): export it as one of those, or use an https URL.`);
  return `data:image/${kind};base64,${bytes.toString('base64')}`;
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
