/**
 * A minimal XLSX written part by part, for hostile-workbook tests: each part's bytes and the sizes its zip directory
 * declares can be set apart (a zip bomb declares the truth, a lying one declares less than it unpacks to).
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface Part {
  name: string;
  data: Buffer | string;
  /** Overrides the uncompressed size written in the local header and the central directory. */
  declaredSize?: number;
}

export function zip(parts: Part[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const raw = typeof p.data === 'string' ? Buffer.from(p.data, 'utf8') : p.data;
    const packed = deflateRawSync(raw, { level: 9 });
    const name = Buffer.from(p.name, 'utf8');
    const size = p.declaredSize ?? raw.length;
    const crc = crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, cd, end]));
}

const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** The parts of a one-sheet workbook around the given sheet XML (inline strings, so no shared strings part). */
export function workbookParts(sheetXml: string | Buffer, declaredSheetSize?: number): Part[] {
  return [
    { name: '_rels/.rels', data: `<Relationships><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>` },
    { name: 'xl/workbook.xml', data: '<workbook><sheets><sheet name="Shots" sheetId="1" r:id="rId1"/></sheets></workbook>' },
    { name: 'xl/_rels/workbook.xml.rels', data: `<Relationships><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>` },
    { name: 'xl/worksheets/sheet1.xml', data: sheetXml, ...(declaredSheetSize === undefined ? {} : { declaredSize: declaredSheetSize }) },
  ];
}

const cell = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;

/** Sheet XML with a header and `rows` prompt rows (each about 90 bytes). */
export function sheetXml(rows: number): string {
  const out = [`<worksheet><sheetData><row r="1">${cell('A1', 'Prompt')}${cell('B1', 'Duration')}</row>`];
  for (let r = 2; r <= rows + 1; r++) out.push(`<row r="${r}">${cell(`A${r}`, `Shot ${r}`)}<c r="B${r}"><v>5</v></c></row>`);
  out.push('</sheetData></worksheet>');
  return out.join('');
}
