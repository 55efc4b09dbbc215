/**
 * Round-trip properties: parse(serialize(x)) gives x back, for any text, any delimiter, any BOM, any encoding a
 * spreadsheet app writes, and any mix of record breaks.
 *
 * What trimming does (the documented loss): the CSV layer (toCsv/parseCsv) is exact, leading and trailing spaces
 * and CR/LF inside cells included. The row layer (importSheet) trims every cell (String.prototype.trim) and turns
 * CRLF/CR inside a cell into LF; a cell that is blank after trimming counts as empty. A record whose cells are all
 * blank is a "fully empty line" and is skipped, so the generators below give every row one non-blank cell.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importSheet } from '../../main/core/sheet';
import { decodeBytes } from '../../main/core/sheet/decode';
import { parseCsv } from '../../main/core/sheet/parse-csv';
import { toCsv } from '../../main/core/sheet/serialize';
import { DELIMITERS, type SheetRow } from '../../main/core/sheet/types';

/** Control characters other than tab, CR and LF: no spreadsheet writes them, and importSheet reads them as binary. */
const hasControl = (s: string) => [...s].some((ch) => {
  const c = ch.charCodeAt(0);
  return (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c < 0xa0);
});

const piece = fc.oneof(
  fc.constantFrom('"', '""', ',', ';', '\t', '|', '\r', '\n', '\r\n', ' ', '  ', '\u00A0', '\uFEFF', '=', '-', '+', '@', "'"),
  fc.constantFrom('é', 'ç', '€', '…', 'ß', '雪', 'Ω', '🌧️', '👩‍👩‍👧', 'مرحبا', 'a', 'Prompt'),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
);
const anyCell = fc.array(piece, { maxLength: 6 }).map((p) => p.join('')).filter((c) => !hasControl(c));
const nonBlank = (row: readonly string[]) => row.some((c) => c.trim() !== '');

/** header + rows, all `width` wide, each row with a non-blank cell. */
function tableOf(cell: fc.Arbitrary<string>, header?: fc.Arbitrary<string[]>) {
  return (header ?? fc.integer({ min: 1, max: 4 }).chain((w) => fc.array(cell, { minLength: w, maxLength: w }).filter(nonBlank))).chain((h) =>
    fc.array(fc.array(cell, { minLength: h.length, maxLength: h.length }).filter(nonBlank), { maxLength: 6 }).map((rows) => [h, ...rows]),
  );
}

const delimiter = fc.constantFrom(...DELIMITERS);
const lineEnding = fc.constantFrom('\r\n' as const, '\n' as const, '\r' as const);

/** An encoder for a single-byte code page, from its own decoder. */
function singleByte(label: 'windows-1252' | 'macintosh' | 'ibm850'): (text: string) => Uint8Array {
  const byChar = new Map<string, number>();
  for (let b = 0; b < 256; b++) byChar.set(decodeBytes(new Uint8Array([b]), label).text, b);
  return (text) =>
    Uint8Array.from([...text].map((c) => {
      const b = byChar.get(c);
      if (b === undefined) throw new Error(`${label} has no byte for ${c}`);
      return b;
    }));
}

function encode(text: string, encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252'): Uint8Array {
  if (encoding === 'utf-8') return new TextEncoder().encode(text);
  if (encoding === 'windows-1252') {
    const decoder = new TextDecoder('windows-1252');
    const byChar = new Map<string, number>();
    for (let b = 0; b < 256; b++) byChar.set(decoder.decode(new Uint8Array([b])), b);
    return Uint8Array.from([...text].map((ch) => byChar.get(ch)!));
  }
  const out = new Uint8Array(text.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < text.length; i++) view.setUint16(i * 2, text.charCodeAt(i), encoding === 'utf-16le');
  return out;
}

describe('CSV layer round trip (exact)', () => {
  it('any text, delimiter, BOM, line ending and Unicode encoding', async () => {
    await fc.assert(
      fc.asyncProperty(
        tableOf(anyCell),
        delimiter,
        fc.boolean(),
        lineEnding,
        fc.constantFrom('utf-8' as const, 'utf-16le' as const, 'utf-16be' as const),
        fc.boolean(),
        async (table, delim, bom, eol, encoding, trailing) => {
          // Excel always writes a BOM with UTF-16; BOM-less UTF-16 detection is a heuristic tested on its own.
          const text = toCsv(table, { delimiter: delim, bom: bom || encoding !== 'utf-8', lineEnding: eol, escapeFormulas: false, trailingLineEnding: trailing });
          const decoded = decodeBytes(encode(text, encoding));
          expect(decoded.encoding).toBe(encoding);
          const parsed = await parseCsv(decoded.text, { delimiter: delim });
          expect(parsed.errors).toEqual([]);
          expect([parsed.header, ...parsed.rows]).toEqual(table);
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each(['windows-1252', 'macintosh', 'ibm850'] as const)('%s text is detected, or said to be unsure with it among the choices, and read back', async (label) => {
    // Real words with their accents and typography: what prompts are made of. Three code pages fit any bytes, so a
    // wrong guess is allowed only when it is flagged and the right one offered; a sure guess must be right.
    const words = fc.oneof(
      fc.constantFrom('Café ', 'crème', 'façade', ' à la ', 'Zoë', 'naïve', 'Ñandú', 'über', '« bonjour »', 'señor', 'Müller', 'Noël', 'año', 'été'),
      // CP850 has no œ, € or typographic quotes and dashes; the others have them all.
      fc.constantFrom(...(label === 'ibm850' ? ['5 £', ' - ', 'Straße'] : ['œuvre', '5 €', 'l’été', 'don’t', '—', ' – ', 'Noël…', '“quoted”'])),
      fc.constantFrom('Slow pan', 'a', ' ', '"', ',', ';', '\n', '\r', '='),
    );
    const cell = fc.array(words, { maxLength: 5 }).map((p) => p.join(' '));
    const encodeIn = singleByte(label);
    await fc.assert(
      fc.asyncProperty(tableOf(cell), delimiter, lineEnding, async (table, delim, eol) => {
        const bytes = encodeIn(toCsv(table, { delimiter: delim, bom: false, lineEnding: eol, escapeFormulas: false }));
        const guessed = decodeBytes(bytes);
        if (bytes.some((b) => b >= 0x80) && guessed.encoding !== label) {
          expect(guessed.sure).toBe(false);
          expect(guessed.alternatives).toContain(label);
        }
        const parsed = await parseCsv(decodeBytes(bytes, label).text, { delimiter: delim });
        expect([parsed.header, ...parsed.rows]).toEqual(table);
      }),
      { numRuns: 300 },
    );
  });

  it('any mix of CRLF, LF and CR between records, with or without a BOM', async () => {
    await fc.assert(
      fc.asyncProperty(tableOf(anyCell), delimiter, fc.array(lineEnding, { minLength: 8, maxLength: 8 }), fc.option(lineEnding), fc.boolean(), async (table, delim, breaks, last, bom) => {
        const records = table.map((r) => toCsv([r], { delimiter: delim, bom: false, trailingLineEnding: false, escapeFormulas: false }));
        const text = (bom ? '\uFEFF' : '') + records.map((r, i) => (i === 0 ? r : breaks[i % breaks.length] + r)).join('') + (last ?? '');
        const parsed = await parseCsv(decodeBytes(new TextEncoder().encode(text)).text, { delimiter: delim });
        expect([parsed.header, ...parsed.rows]).toEqual(table);
      }),
      { numRuns: 300 },
    );
  });

  it('detects the delimiter for any cell text when the headers are ordinary names', async () => {
    const header = fc.uniqueArray(fc.constantFrom('prompt', 'Duration (s)', 'Model ID', 'Notes', 'Aspect Ratio', 'Shot #', 'Catégorie'), { minLength: 2, maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(tableOf(anyCell, header), delimiter, lineEnding, async (table, delim, eol) => {
        const parsed = await parseCsv(toCsv(table, { delimiter: delim, bom: false, lineEnding: eol, escapeFormulas: false }));
        expect(parsed.delimiter).toBe(delim);
        expect([parsed.header, ...parsed.rows]).toEqual(table);
      }),
      { numRuns: 300 },
    );
  });
});

describe('row layer round trip (trimmed)', () => {
  const clean = (v: string | undefined) => {
    const t = v?.replace(/\r\n?/g, '\n').trim();
    return t === '' ? undefined : t;
  };
  const text = fc.option(anyCell, { nil: undefined });
  const rowArb = fc.record({
    prompt: anyCell.filter((p) => p.trim() !== ''),
    negative_prompt: text,
    model: text,
    duration: fc.constantFrom(undefined, '5s', '10s', '2.5s'),
    resolution: fc.constantFrom(undefined, '480p', '720p', '1080p'),
    aspect_ratio: fc.constantFrom(undefined, '16:9', '9:16', '1:1'),
    audio: fc.constantFrom(undefined, true, false),
    image: text,
    name: text,
    extras: fc.record({ Notes: anyCell, Scene: anyCell }),
  });

  it('importSheet(rowsToCsv(rows)) gives the rows back, trimmed', async () => {
    const { rowsToCsv } = await import('../../main/core/sheet/serialize');
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 5 }), delimiter, fc.boolean(), lineEnding, async (input, delim, bom, eol) => {
        const rows: SheetRow[] = input.map((r, i) => {
          const row: SheetRow = { index: i + 1, sourceRow: i + 2, prompt: r.prompt, extras: r.extras, raw: {} };
          for (const k of ['negative_prompt', 'model', 'duration', 'resolution', 'aspect_ratio', 'image', 'name'] as const) if (r[k] !== undefined) row[k] = r[k];
          if (r.audio !== undefined) row.audio = r.audio;
          return row;
        });
        const csv = rowsToCsv(rows, { delimiter: delim, bom, lineEnding: eol, escapeFormulas: false });
        const back = await importSheet(new TextEncoder().encode(csv));
        expect(back.delimiter).toBe(delim);
        expect(back.errors).toEqual([]);
        const expected = rows.map((r) => {
          const e: Record<string, unknown> = { index: r.index, prompt: clean(r.prompt), extras: { Notes: clean(r.extras.Notes) ?? '', Scene: clean(r.extras.Scene) ?? '' } };
          for (const k of ['negative_prompt', 'model', 'duration', 'resolution', 'aspect_ratio', 'image', 'name'] as const) {
            const v = clean(r[k]);
            if (v !== undefined) e[k] = v;
          }
          if (r.audio !== undefined) e.audio = r.audio;
          return e;
        });
        expect(back.rows.map(({ raw: _raw, sourceRow: _s, ...r }) => r)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
