/**
 * The workbook-wide parts of an XLSX file: which sheets it has (names, hidden state, which tab was open), where each
 * sheet's part is, which cell styles are dates, and the shared strings table. The XML is saxes's to read (xml-reader.ts);
 * what the elements mean (ECMA-376, and what Excel, LibreOffice and Numbers write) is here.
 */
import { readXml, readXmlBytes } from './xml-reader';

export interface WorkbookSheet {
  name: string;
  /** 'visible', 'hidden' or 'veryHidden' (hidden so that only a macro can show it). */
  state: string;
  /** The part holding its cells, e.g. "xl/worksheets/sheet1.xml"; null when the sheet is a chart or missing. */
  part: string | null;
}

export interface WorkbookInfo {
  sheets: WorkbookSheet[];
  /** 0-based index of the tab that was open when the workbook was saved. */
  activeTab: number;
  /** Dates count from 1904 (old Mac Excel) rather than 1900. */
  date1904: boolean;
  sharedStringsPart: string | null;
  stylesPart: string | null;
}

interface Relationship {
  id: string;
  type: string;
  target: string;
}

function relationships(part: string, xml: string): Relationship[] {
  const out: Relationship[] = [];
  readXml(part, xml, {
    open(name, a) {
      if (name === 'Relationship' && a.Id && a.Target) out.push({ id: a.Id, type: a.Type ?? '', target: a.Target });
    },
  });
  return out;
}

/** A relationship target resolved against the folder of the part that names it ("worksheets/sheet1.xml" from xl/). */
export function resolvePart(from: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = from.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.' && seg !== '') parts.push(seg);
  }
  return parts.join('/');
}

export function relsPathOf(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
}

/** The workbook part named by the package's root relationships (almost always xl/workbook.xml). */
export function workbookPartOf(rootRels: string | null): string {
  const rel = rootRels ? relationships('_rels/.rels', rootRels).find((r) => r.type.endsWith('/officeDocument')) : undefined;
  return rel ? resolvePart('', rel.target) : 'xl/workbook.xml';
}

const isTrue = (value: string | undefined) => value !== undefined && /^(1|true)$/i.test(value.trim());

export function readWorkbook(workbookPart: string, workbookXml: string, relsXml: string | null): WorkbookInfo {
  const rels = new Map(relationships(relsPathOf(workbookPart), relsXml ?? '<Relationships/>').map((r) => [r.id, r]));
  const sheets: WorkbookSheet[] = [];
  let activeTab = 0;
  let seenView = false;
  let date1904 = false;
  readXml(workbookPart, workbookXml, {
    open(name, a) {
      if (name === 'sheet') {
        const relId = a['r:id'] ?? Object.entries(a).find(([k]) => k.endsWith(':id'))?.[1];
        const rel = relId ? rels.get(relId) : undefined;
        const isWorksheet = rel !== undefined && /\/worksheet$/.test(rel.type);
        sheets.push({ name: a.name ?? `Sheet ${sheets.length + 1}`, state: a.state ?? 'visible', part: isWorksheet ? resolvePart(workbookPart, rel.target) : null });
      } else if (name === 'workbookView' && !seenView) {
        // The first window's view is the one Excel opens with.
        seenView = true;
        const tab = Number(a.activeTab ?? '0');
        activeTab = Number.isInteger(tab) && tab >= 0 ? tab : 0;
      } else if (name === 'workbookPr') {
        date1904 = isTrue(a.date1904);
      }
    },
  });
  const find = (suffix: string) => {
    const rel = [...rels.values()].find((r) => r.type.endsWith(suffix));
    return rel ? resolvePart(workbookPart, rel.target) : null;
  };
  return { sheets, activeTab, date1904, sharedStringsPart: find('/sharedStrings'), stylesPart: find('/styles') };
}

/** Built-in number formats that show a date or a time (ECMA-376 18.8.30, and the East Asian date ids). */
const BUILT_IN_DATES = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** True when a number format code shows a date or time: d, m, y, h or s outside quotes, escapes and [colours]. */
export function isDateFormat(code: string): boolean {
  const bare = code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/[_*]./g, '')
    .replace(/\[(?!h+\]|m+\]|s+\])[^\]]*\]/gi, '')
    .replace(/General/gi, '');
  return /[dmyhs]/i.test(bare);
}

/** For each cell style index (a cell's `s`), whether it formats numbers as dates. */
export function readDateStyles(part: string, stylesXml: string | null): boolean[] {
  if (!stylesXml) return [];
  const custom = new Map<number, string>();
  const formatIds: number[] = [];
  let inCellXfs = false;
  readXml(part, stylesXml, {
    open(name, a) {
      if (name === 'numFmt' && a.numFmtId !== undefined && a.formatCode !== undefined) custom.set(Number(a.numFmtId), a.formatCode);
      else if (name === 'cellXfs') inCellXfs = true;
      // Cell styles are the <xf> of <cellXfs>; those of <cellStyleXfs> are named styles' bases.
      else if (name === 'xf' && inCellXfs) formatIds.push(Number(a.numFmtId ?? '0'));
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false;
    },
  });
  return formatIds.map((id) => {
    const code = custom.get(id);
    return code !== undefined ? isDateFormat(code) : BUILT_IN_DATES.has(id);
  });
}

/** Office writes characters XML cannot hold as `_xHHHH_` (a CR as `_x000D_`), and a literal `_x` as `_x005F_x`. */
export function decodeOfficeEscapes(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/**
 * Collects the text of string items (`<si>` in the shared strings, `<is>` in a cell): every `<t>`, plain or in rich
 * text runs (`<r><t>`), as written (spaces kept whether or not `xml:space="preserve"` says so); phonetic guides
 * (`<rPh>`, the furigana of Japanese text) left out.
 */
export class StringItemText {
  private depth = 0;
  private inT = false;
  private phonetic = 0;
  private text = '';

  /** True while inside an item (the caller's element that holds it has been opened). */
  get active(): boolean {
    return this.depth > 0;
  }

  begin(): void {
    this.depth = 1;
    this.inT = false;
    this.phonetic = 0;
    this.text = '';
  }

  open(name: string): void {
    if (name === 'rPh') this.phonetic++;
    else if (name === 't' && this.phonetic === 0) this.inT = true;
  }

  close(name: string): void {
    if (name === 'rPh') this.phonetic--;
    else if (name === 't') this.inT = false;
  }

  add(text: string): void {
    if (this.inT) this.text += text;
  }

  end(): string {
    this.depth = 0;
    return decodeOfficeEscapes(this.text);
  }
}

/** The shared strings table, read a slice at a time (100,000 distinct prompts make a large part). */
export async function readSharedStrings(part: string, bytes: Uint8Array | null): Promise<string[]> {
  if (!bytes) return [];
  const out: string[] = [];
  const item = new StringItemText();
  await readXmlBytes(part, bytes, {
    open(name) {
      if (name === 'si') item.begin();
      else if (item.active) item.open(name);
    },
    close(name) {
      if (name === 'si') out.push(item.end());
      else if (item.active) item.close(name);
    },
    text(text) {
      if (item.active) item.add(text);
    },
  });
  return out;
}
