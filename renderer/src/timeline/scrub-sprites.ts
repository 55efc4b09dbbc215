/**
 * The viewer's scrub sprites (every frame of a clip, small, made once in main): loaded and decoded on demand, a few
 * kept, so a drag across the ruler can draw the exact frame under it the moment it lands in a clip, while the full
 * frame is still being sought by the video. Neighbouring clips are fetched ahead, so a drag across a cut does not
 * wait for one.
 */
import { SCRUB_COLUMNS, SCRUB_TILE_HEIGHT } from '../../../main/contract-names';
import { framesUrl } from './media';

const KEEP = 24;
/** A sprite ready to draw: decoded into an ImageBitmap (from a blob fetched ahead) or an <img> (fetched on demand). */
export type Sprite = ImageBitmap | HTMLImageElement;
/** `waiters`: everyone who asked while it decoded, called once it is ready, failed or evicted (see spriteDecoding). */
const cache = new Map<number, { img: Sprite | undefined; ready: boolean; failed: boolean; fromBlob: boolean; waiters: (() => void)[] }>();
/**
 * The sprites fetched ahead, kept as their compressed bytes (a few tens of kB each) up to a budget: a scrub that lands
 * in another clip decodes one with createImageBitmap, off the main thread, without going back through the network
 * stack and HTTP cache (that round trip was most of a jump's wait on a busy machine).
 */
const blobs = new Map<number, Blob>();
const BLOB_BUDGET_BYTES = 96 * 1024 * 1024;
let blobBytes = 0;

function forget(rowId: number): void {
  const old = cache.get(rowId);
  cache.delete(rowId);
  if (old?.img && 'close' in old.img) old.img.close();
}

/** The decoded sprite if it is ready now; otherwise starts decoding (or loading) it and calls `onReady` once it is. */
export function spriteFor(rowId: number, onReady?: () => void): Sprite | undefined {
  let entry = cache.get(rowId);
  if (entry) {
    // Most recently used last, so the oldest goes first when the cache is full.
    cache.delete(rowId);
    cache.set(rowId, entry);
    if (!entry.ready && !entry.failed && onReady && !entry.waiters.includes(onReady)) entry.waiters.push(onReady);
    return entry.ready ? entry.img : undefined;
  }
  const blob = blobs.get(rowId);
  entry = { img: undefined, ready: false, failed: false, fromBlob: !!blob, waiters: onReady ? [onReady] : [] };
  cache.set(rowId, entry);
  if (cache.size > KEEP) forget(cache.keys().next().value as number);
  const e = entry;
  const askedAt = performance.now();
  const done = () => e.waiters.splice(0).forEach((f) => f());
  const decoded: Promise<Sprite> = blob
    ? createImageBitmap(blob)
    : (() => {
        const img = new Image();
        img.decoding = 'async';
        img.src = framesUrl(rowId);
        return img.decode().then(() => img);
      })();
  decoded
    .then((img) => {
      // Evicted while it decoded: let it go.
      if (cache.get(rowId) !== e) {
        if ('close' in img) img.close();
        return done();
      }
      e.img = img;
      e.ready = true;
      // One entry per decode (not per frame drawn): the bench reads it to say where a jump's wait went.
      performance.measure(blob ? 'scrub-sprite-decode' : 'scrub-sprite-load', { start: askedAt });
      done();
    })
    .catch(() => {
      e.failed = true;
      // Called all the same: whoever held something back for this sprite (the viewer's video switch) goes on.
      done();
    });
  return undefined;
}

/** True while this clip's sprite is being decoded from bytes already here (a matter of milliseconds, not a download). */
export function spriteDecoding(rowId: number): boolean {
  const entry = cache.get(rowId);
  return !!entry && entry.fromBlob && !entry.ready && !entry.failed;
}

/** Draws frame `n` of a sprite into the canvas, fitted like the video (contain); false if the sprite has no such frame. */
export function drawSpriteFrame(canvas: HTMLCanvasElement, img: Sprite, n: number): boolean {
  const [imgW, imgH] = 'naturalWidth' in img ? [img.naturalWidth, img.naturalHeight] : [img.width, img.height];
  const tileW = imgW / SCRUB_COLUMNS;
  const tileH = SCRUB_TILE_HEIGHT;
  const col = n % SCRUB_COLUMNS;
  const row = Math.floor(n / SCRUB_COLUMNS);
  if (n < 0 || (row + 1) * tileH > imgH + 0.5) return false;
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
    // Kept compressed (and in the HTTP cache): decoding waits until a scrub needs it, so memory stays small.
    void fetch(framesUrl(rowId), { priority: 'low', cache: 'force-cache' } as RequestInit)
      .then(async (r) => {
        if (!r.ok) throw new Error(`sprite ${rowId}: HTTP ${r.status}`);
        const blob = await r.blob();
        if (blobBytes + blob.size > BLOB_BUDGET_BYTES) return;
        blobs.set(rowId, blob);
        blobBytes += blob.size;
      })
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
