/**
 * The viewer's scrub sprites (every frame of a clip, small, made once in main): loaded and decoded on demand, a few
 * kept, so a drag across the ruler can draw the exact frame under it the moment it lands in a clip, while the full
 * frame is still being sought by the video. Neighbouring clips are fetched ahead, so a drag across a cut does not
 * wait for one.
 */
import { SCRUB_COLUMNS, SCRUB_TILE_HEIGHT } from '../../../main/contract-names';
import { framesUrl } from './media';

const KEEP = 24;
const cache = new Map<number, { img: HTMLImageElement; ready: boolean; failed: boolean }>();

/** The decoded sprite if it is ready now; otherwise starts loading it and calls `onReady` once it is. */
export function spriteFor(rowId: number, onReady?: () => void): HTMLImageElement | undefined {
  let entry = cache.get(rowId);
  if (entry) {
    // Most recently used last, so the oldest goes first when the cache is full.
    cache.delete(rowId);
    cache.set(rowId, entry);
    return entry.ready ? entry.img : undefined;
  }
  const img = new Image();
  img.decoding = 'async';
  entry = { img, ready: false, failed: false };
  cache.set(rowId, entry);
  if (cache.size > KEEP) cache.delete(cache.keys().next().value as number);
  img.src = framesUrl(rowId);
  const e = entry;
  img
    .decode()
    .then(() => {
      e.ready = true;
      onReady?.();
    })
    .catch(() => {
      e.failed = true;
    });
  return undefined;
}

/** Draws frame `n` of a sprite into the canvas, fitted like the video (contain); false if the sprite has no such frame. */
export function drawSpriteFrame(canvas: HTMLCanvasElement, img: HTMLImageElement, n: number): boolean {
  const tileW = img.naturalWidth / SCRUB_COLUMNS;
  const tileH = SCRUB_TILE_HEIGHT;
  const col = n % SCRUB_COLUMNS;
  const row = Math.floor(n / SCRUB_COLUMNS);
  if (n < 0 || (row + 1) * tileH > img.naturalHeight + 0.5) return false;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return false;
  const scale = Math.min(w / tileW, h / tileH);
  const dw = tileW * scale;
  const dh = tileH * scale;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, w, h);
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(img, col * tileW, row * tileH, tileW, tileH, (w - dw) / 2, (h - dh) / 2, dw, dh);
  return true;
}

/** Most sprites fetched ahead per timeline: enough for a long batch, bounded so a huge one cannot fill the disk cache. */
const PREFETCH_LIMIT = 600;
const prefetched = new Set<number>();
let queue: number[] = [];
let running = 0;

function pump(): void {
  while (running < 2 && queue.length) {
    const rowId = queue.shift()!;
    if (prefetched.has(rowId) || cache.has(rowId)) continue;
    prefetched.add(rowId);
    running++;
    // Into the HTTP cache only (the sprite is cacheable): decoding waits until a scrub needs it, so memory stays
    // small, and the decode of a cached image takes milliseconds.
    void fetch(framesUrl(rowId), { priority: 'low', cache: 'force-cache' } as RequestInit)
      .then((r) => r.arrayBuffer())
      .catch(() => prefetched.delete(rowId))
      .finally(() => {
        running--;
        pump();
      });
  }
}

/**
 * Fetches the sprites of these clips in the background, two at a time, nearest the playhead first, so a click far
 * along the ruler finds its clip's sprite already on this machine. Replaces any earlier list (the timeline changed).
 */
export function prefetchSprites(rowIdsByDistance: readonly number[]): void {
  queue = rowIdsByDistance.filter((id) => !prefetched.has(id)).slice(0, PREFETCH_LIMIT);
  pump();
}
