// Draws the app icon (packaging/icon.png, 1024x1024): a dark rounded tile, a film-strip edge and an amber play
// triangle. Written with zlib alone so it needs no image tools; run again only to change the design.
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const S = 1024;
const SS = 3; // supersampling per axis, for smooth edges

const crcTable = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
const crc32 = (buf) => {
  let c = -1;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

function insideRoundedRect(x, y, x0, y0, x1, y1, r) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function insideTriangle(x, y, [ax, ay], [bx, by], [cx, cy]) {
  const d = (px, py, qx, qy, rx, ry) => (px - rx) * (qy - ry) - (qx - rx) * (py - ry);
  const d1 = d(x, y, ax, ay, bx, by);
  const d2 = d(x, y, bx, by, cx, cy);
  const d3 = d(x, y, cx, cy, ax, ay);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

/** The colour at a point, or null for transparent. */
function paint(x, y) {
  const m = 64;
  if (!insideRoundedRect(x, y, m, m, S - m, S - m, 180)) return null;
  const t = (y - m) / (S - 2 * m);
  let c = [0x1d + 10 * t, 0x21 + 8 * t, 0x27 + 14 * t];
  // film-strip holes along the left and right edges
  for (const sx of [150, S - 190]) {
    for (let i = 0; i < 6; i++) {
      const sy = 190 + i * 112;
      if (insideRoundedRect(x, y, sx, sy, sx + 40, sy + 60, 10)) c = [0x0f, 0x11, 0x14];
    }
  }
  if (insideTriangle(x, y, [400, 300], [400, 724], [760, 512])) {
    const g = (x - 400) / 360;
    c = [0xf0, 0xb4 - 40 * g, 0x29 + 10 * g];
  }
  return c;
}

const raw = Buffer.alloc(S * (S * 4 + 1));
for (let y = 0; y < S; y++) {
  raw[y * (S * 4 + 1)] = 0;
  for (let x = 0; x < S; x++) {
    let r = 0, g = 0, b = 0, a = 0;
    for (let j = 0; j < SS; j++) {
      for (let i = 0; i < SS; i++) {
        const c = paint(x + (i + 0.5) / SS, y + (j + 0.5) / SS);
        if (c) {
          r += c[0]; g += c[1]; b += c[2]; a += 1;
        }
      }
    }
    const o = y * (S * 4 + 1) + 1 + x * 4;
    if (a) {
      raw[o] = Math.round(r / a);
      raw[o + 1] = Math.round(g / a);
      raw[o + 2] = Math.round(b / a);
    }
    raw[o + 3] = Math.round((255 * a) / (SS * SS));
  }
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(S, 0);
ihdr.writeUInt32BE(S, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
mkdirSync('packaging', { recursive: true });
writeFileSync('packaging/icon.png', png);
console.log(`packaging/icon.png: ${S}x${S}, ${png.length} bytes`);
