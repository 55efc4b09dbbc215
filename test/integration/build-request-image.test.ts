/**
 * The image a row sends is checked again when the row is sent, not only when the sheet was read: the file may have
 * been swapped, linked elsewhere or replaced by something that is not an image since. Real files, real links.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildQueueRequest, RowInputError } from '../../main/core/queue/build-request';
import type { RowParams } from '../../main/core/queue/types';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4b50000000049454e44ae426082', 'hex');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]);

let dir: string;
let sheetDir: string;

const params = (image: string): RowParams => ({ model: 'sim-kling-2.1-image-to-video', prompt: 'a fox', duration: '5s', image }) as RowParams;

async function refusal(image: string, baseDir: string | null = sheetDir): Promise<string> {
  try {
    await buildQueueRequest(params(image), baseDir ?? undefined);
  } catch (e) {
    expect(e).toBeInstanceOf(RowInputError);
    expect((e as RowInputError).column).toBe('image');
    return (e as Error).message;
  }
  throw new Error(`${image} was accepted`);
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vb-build-image-'));
  sheetDir = path.join(dir, 'project');
  mkdirSync(path.join(sheetDir, 'images'), { recursive: true });
  writeFileSync(path.join(sheetDir, 'images', 'fox.png'), PNG);
  writeFileSync(path.join(sheetDir, 'images', 'named-png-but-jpeg.png'), JPEG);
  writeFileSync(path.join(sheetDir, 'images', 'notes.png'), 'swapped for a text file after the sheet was checked');
  writeFileSync(path.join(dir, 'outside.png'), PNG);
  symlinkSync(path.join(dir, 'outside.png'), path.join(sheetDir, 'images', 'link.png'));
  symlinkSync(path.join(sheetDir, 'images', 'fox.png'), path.join(sheetDir, 'images', 'inner-link.png'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an image is checked again when its row is sent', () => {
  it('sends a file inside the sheet\'s folder (links followed inside it), typed by its bytes, not its name', async () => {
    expect((await buildQueueRequest(params('images/fox.png'), sheetDir)).image_url).toBe(`data:image/png;base64,${PNG.toString('base64')}`);
    expect((await buildQueueRequest(params('images/inner-link.png'), sheetDir)).image_url).toBe(`data:image/png;base64,${PNG.toString('base64')}`);
    expect((await buildQueueRequest(params('images/named-png-but-jpeg.png'), sheetDir)).image_url).toMatch(/^data:image\/jpeg;base64,/);
  });

  it('refuses a file outside the folder: by a link, by "..", by an absolute path', async () => {
    for (const image of ['images/link.png', '../outside.png', path.join(dir, 'outside.png')]) {
      expect(await refusal(image)).toMatch(/is outside the sheet's folder \(links followed\)/);
    }
  });

  it('refuses a file that is not an image by its content, and one that is gone', async () => {
    expect(await refusal('images/notes.png')).toMatch(/^Image "images\/notes.png" is not a PNG, JPEG, WebP or GIF image \(its content says otherwise/);
    expect(await refusal('images/gone.png')).toMatch(/^Image file not found: images\/gone.png/);
  });

  it('refuses a local path when the batch has no sheet folder, and addresses the sheet step refuses too', async () => {
    expect(await refusal('images/fox.png', null)).toMatch(/no sheet folder/);
    expect(await refusal('http://cdn.example.com/a.png')).toMatch(/is plain http/);
    expect(await refusal(`file://${path.join(sheetDir, 'images', 'fox.png')}`)).toMatch(/^file:\/\/ addresses are not accepted/);
    expect((await buildQueueRequest(params('https://cdn.example.com/a.png'), sheetDir)).image_url).toBe('https://cdn.example.com/a.png');
  });
});
