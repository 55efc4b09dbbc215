/**
 * decodeBytesInSlices gives decodeBytes' answer, slice edges cutting multi-byte characters or not: the same text,
 * encoding, BOM, sureness and alternatives, for big UTF-8 files with and without BOM and for the files it hands back
 * to decodeBytes whole (single-byte, UTF-16, an invalid sequence, an override, a small file).
 */
import { describe, expect, it } from 'vitest';
import { decodeBytes, decodeBytesInSlices } from '../../main/core/sheet/decode';

/** Over 4 MB of CSV whose accented letters and emoji fall across the 1 MB slice edges at odd offsets. */
function bigText(): string {
  const lines = ['prompt,name'];
  let length = 0;
  for (let i = 0; length < 5_000_000; i++) {
    const line = `"Café crème ${i} — niño 🎬 ${'x'.repeat(i % 7)}",shot-${i}`;
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n');
}

const pauses = () => {
  const counter = { n: 0 };
  return { counter, pause: () => ((counter.n += 1), Promise.resolve()) };
};

async function same(bytes: Uint8Array, override?: string): Promise<number> {
  const { counter, pause } = pauses();
  const sliced = await decodeBytesInSlices(bytes, override, pause);
  expect(sliced).toEqual(decodeBytes(bytes, override));
  return counter.n;
}

describe('decodeBytesInSlices', () => {
  const text = bigText();
  const utf8 = new TextEncoder().encode(text);

  it('decodes big UTF-8, with and without BOM, a slice at a time, to the text decodeBytes gives', async () => {
    expect(await same(utf8)).toBeGreaterThanOrEqual(4);
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8.subarray(0, 4_500_000)]);
    expect(await same(withBom)).toBeGreaterThanOrEqual(4);
  });

  it('hands to decodeBytes whole what it does not decode in slices, with the same answer', async () => {
    // Windows-1252 bytes of the same text (its emoji left out), an invalid sequence late in the file, UTF-16 LE.
    const latin = text.replace(/🎬|—/g, '-');
    const cp1252 = Uint8Array.from(latin, (c) => c.charCodeAt(0));
    await same(cp1252);
    const late = utf8.slice();
    late[4_200_000] = 0xff;
    expect((await decodeBytesInSlices(late, undefined, () => Promise.resolve())).encoding).toBe(decodeBytes(late).encoding);
    await same(late);
    const le = new Uint8Array(latin.length * 2);
    for (let i = 0; i < latin.length; i++) le[i * 2] = latin.charCodeAt(i);
    await same(le.subarray(0, 5_000_000));
    expect(await same(utf8, 'windows-1252')).toBe(0);
    expect(await same(utf8.subarray(0, 100_000))).toBe(0);
  });
});
