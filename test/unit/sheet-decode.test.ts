import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBytes, sniffUtf16 } from '../../main/core/sheet/decode';
import { SheetReadError } from '../../main/core/sheet/errors';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/sheets/${name}`, import.meta.url)));

function utf16(text: string, littleEndian: boolean, bom: boolean): Uint8Array {
  const units = (bom ? '\uFEFF' : '') + text;
  const out = new Uint8Array(units.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < units.length; i++) view.setUint16(i * 2, units.charCodeAt(i), littleEndian);
  return out;
}

describe('decodeBytes', () => {
  it('reads UTF-8 without a BOM', () => {
    expect(decodeBytes(new TextEncoder().encode('prompt\ncafé ☕'))).toEqual({ text: 'prompt\ncafé ☕', encoding: 'utf-8', hadBom: false, sure: true, alternatives: [] });
  });

  it('reads UTF-8 with a BOM and removes only that one BOM', () => {
    const bytes = fixture('excel-utf8-bom-crlf.csv');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const d = decodeBytes(bytes);
    expect(d).toMatchObject({ encoding: 'utf-8', hadBom: true });
    expect(d.text.startsWith('Prompt,')).toBe(true);
    expect(d.text).toContain('\r\n');
    expect(d.text).toContain('雪');
    expect(decodeBytes(new TextEncoder().encode('\uFEFF\uFEFFx')).text).toBe('\uFEFFx');
  });

  it('reads UTF-16 LE with a BOM (Excel "Unicode text")', () => {
    const bytes = fixture('excel-unicode-text-utf16le.txt');
    expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    const d = decodeBytes(bytes);
    expect(d).toMatchObject({ encoding: 'utf-16le', hadBom: true });
    expect(d.text.split('\r\n')[0]).toBe('Prompt\tNegative Prompt\tLength\tImage URL\tNotes');
    expect(d.text).toContain('Ärger über Ölpreis');
  });

  it('reads UTF-16 BE with a BOM', () => {
    const d = decodeBytes(fixture('utf16be-bom.tsv'));
    expect(d).toMatchObject({ encoding: 'utf-16be', hadBom: true });
    expect(d.text).toBe('prompt\tduration\nΩ waves, crashing\t5\n');
  });

  it('detects BOM-less UTF-16 from the NUL pattern', () => {
    const text = 'prompt\tduration\r\nA café at dawn\t5\r\n';
    expect(sniffUtf16(utf16(text, true, false))).toBe('utf-16le');
    expect(decodeBytes(utf16(text, true, false))).toEqual({ text, encoding: 'utf-16le', hadBom: false, sure: true, alternatives: [] });
    expect(decodeBytes(utf16(text, false, false))).toEqual({ text, encoding: 'utf-16be', hadBom: false, sure: true, alternatives: [] });
    expect(sniffUtf16(new TextEncoder().encode(text))).toBeNull();
  });

  it('falls back to Windows-1252 when the bytes are not valid UTF-8 (European Excel)', () => {
    const bytes = fixture('excel-fr-windows1252-semicolon.csv');
    expect(bytes.includes(0xe9)).toBe(true); // é as one byte
    expect(bytes.includes(0x80)).toBe(true); // €
    expect(bytes.includes(0x85)).toBe(true); // …
    const d = decodeBytes(bytes);
    expect(d).toMatchObject({ encoding: 'windows-1252', hadBom: false });
    expect(d.text).toContain('Café au lait, façade ensoleillée… 5 € la tasse');
    expect(d.text).toContain('Catégorie');
  });

  it('uses an override encoding, removing a BOM only when it matches', () => {
    const latin = new Uint8Array([0x63, 0x61, 0x66, 0xe9]);
    expect(decodeBytes(latin, 'latin1')).toEqual({ text: 'café', encoding: 'windows-1252', hadBom: false, sure: true, alternatives: [] });
    // The user insists on UTF-8: invalid bytes become U+FFFD instead of switching encodings.
    expect(decodeBytes(latin, 'utf-8').text).toBe('caf\uFFFD');
    expect(decodeBytes(new TextEncoder().encode('\uFEFFabc'), 'utf-8')).toEqual({ text: 'abc', encoding: 'utf-8', hadBom: true, sure: true, alternatives: [] });
    expect(decodeBytes(utf16('ab', true, true), 'utf-16le')).toEqual({ text: 'ab', encoding: 'utf-16le', hadBom: true, sure: true, alternatives: [] });
  });

  it('rejects an unknown override with a plain message', () => {
    expect(() => decodeBytes(new Uint8Array([0x61]), 'klingon')).toThrow(SheetReadError);
    expect(() => decodeBytes(new Uint8Array([0x61]), 'klingon')).toThrow(/"klingon" is not a text encoding.*Windows-1252/);
  });
});

describe('single-byte encodings: which one wrote the file', () => {
  const enc = (label: string, text: string) => {
    const decoder = label === 'ibm850' ? (b: Uint8Array) => decodeBytes(b, 'ibm850').text : (b: Uint8Array) => new TextDecoder(label).decode(b);
    const byChar = new Map<string, number>();
    for (let b = 0; b < 256; b++) byChar.set(decoder(new Uint8Array([b])), b);
    return Uint8Array.from([...text].map((c) => byChar.get(c)!));
  };
  const french = 'Prompt,Durée\nCafé crème à la terrasse, été,5\nForêt d’hiver — neige fraîche,10\n';
  const spanish = 'Indicación,Duración\nNiño en la playa, cámara lenta,5\nSeñora junto a la ventana,10\n';

  it.each([
    ['windows-1252', french],
    ['macintosh', french],
    ['ibm850', spanish],
    ['windows-1252', spanish],
    ['macintosh', spanish],
  ])('tells %s apart from the others by how its accented letters read', (label, text) => {
    const bytes = enc(label, label === 'ibm850' ? text.replace('’', "'").replace('—', '-') : text);
    const d = decodeBytes(bytes);
    expect(d).toMatchObject({ encoding: label, sure: true, alternatives: [] });
    expect(d.text).toContain(label === 'ibm850' || text === spanish ? 'Niño' : 'Café crème');
  });

  it('says when it is not sure, and which others would fit', () => {
    const d = decodeBytes(enc('windows-1252', 'Prompt\nA 5 € price tag\n'));
    expect(d.sure).toBe(false);
    expect(d.alternatives).toEqual(expect.arrayContaining(['macintosh', 'ibm850']));
  });

  it('accepts the names people use for them as overrides', () => {
    const bytes = enc('macintosh', 'été');
    for (const label of ['macintosh', 'mac', 'MacRoman', 'x-mac-roman']) expect(decodeBytes(bytes, label)).toMatchObject({ text: 'été', encoding: 'macintosh' });
    const dos = enc('ibm850', 'año');
    for (const label of ['ibm850', 'cp850', 'CP850', '850']) expect(decodeBytes(dos, label)).toMatchObject({ text: 'año', encoding: 'ibm850' });
  });
});
