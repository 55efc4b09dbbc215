/**
 * The workbook-wide parts of an XLSX file: which sheets it has (names, hidden state, which tab was open), where each
 * sheet's part is, which cell styles are dates, and the shared strings table.
 */
import { attribute, attributes, stringItemText } from './xml';

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

function relationships(xml: string): Relationship[] {
  const out: Relationship[] = [];
  const REL = /<(?:\w+:)?Relationship\b([^>]*)\/?>/g;
  for (let m = REL.exec(xml); m; m = REL.exec(xml)) {
    const a = attributes(m[1]!);
    if (a.Id && a.Target) out.push({ id: a.Id, type: a.Type ?? '', target: a.Target });
  }
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
  const rel = rootRels ? relationships(rootRels).find((r) => r.type.endsWith('/officeDocument')) : undefined;
  return rel ? resolvePart('', rel.target) : 'xl/workbook.xml';
}

export function readWorkbook(workbookPart: string, workbookXml: string, relsXml: string | null): WorkbookInfo {
  const rels = new Map(relationships(relsXml ?? '').map((r) => [r.id, r]));
  const sheets: WorkbookSheet[] = [];
  const SHEET = /<(?:\w+:)?sheet\b([^>]*)\/?>/g;
  for (let m = SHEET.exec(workbookXml); m; m = SHEET.exec(workbookXml)) {
    const a = attributes(m[1]!);
    const relId = a['r:id'] ?? Object.entries(a).find(([k]) => k.endsWith(':id'))?.[1];
    const rel = relId ? rels.get(relId) : undefined;
    const isWorksheet = rel !== undefined && /\/worksheet$/.test(rel.type);
    sheets.push({ name: a.name ?? `Sheet ${sheets.length + 1}`, state: a.state ?? 'visible', part: isWorksheet ? resolvePart(workbookPart, rel.target) : null });
  }
  const view = /<(?:\w+:)?workbookView\b([^>]*)\/?>/.exec(workbookXml);
  const activeTab = Number(view ? (attribute(view[1]!, 'activeTab') ?? '0') : '0');
  const pr = /<(?:\w+:)?workbookPr\b([^>]*)\/?>/.exec(workbookXml);
  const date1904 = pr ? /^(1|true)$/i.test(attribute(pr[1]!, 'date1904') ?? '') : false;
  const find = (suffix: string) => {
    const rel = [...rels.values()].find((r) => r.type.endsWith(suffix));
    return rel ? resolvePart(workbookPart, rel.target) : null;
  };
  return {
    sheets,
    activeTab: Number.isInteger(activeTab) && activeTab >= 0 ? activeTab : 0,
    date1904,
    sharedStringsPart: find('/sharedStrings'),
    stylesPart: find('/styles'),
  };
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
export function readDateStyles(stylesXml: string | null): boolean[] {
  if (!stylesXml) return [];
  const custom = new Map<number, string>();
  const FMT = /<(?:\w+:)?numFmt\b([^>]*)\/?>/g;
  for (let m = FMT.exec(stylesXml); m; m = FMT.exec(stylesXml)) {
    const a = attributes(m[1]!);
    if (a.numFmtId !== undefined && a.formatCode !== undefined) custom.set(Number(a.numFmtId), a.formatCode);
  }
  const xfs = /<(?:\w+:)?cellXfs\b[^>]*>([\s\S]*?)<\/(?:\w+:)?cellXfs>/.exec(stylesXml)?.[1] ?? '';
  const out: boolean[] = [];
  const XF = /<(?:\w+:)?xf\b([^>]*?)\/?>/g;
  for (let m = XF.exec(xfs); m; m = XF.exec(xfs)) {
    const id = Number(attribute(m[1]!, 'numFmtId') ?? '0');
    const code = custom.get(id);
    out.push(code !== undefined ? isDateFormat(code) : BUILT_IN_DATES.has(id));
  }
  return out;
}

export function readSharedStrings(xml: string | null): string[] {
  if (!xml) return [];
  const out: string[] = [];
  const SI = /<(?:\w+:)?si\b[^>]*?(?:\/>|>([\s\S]*?)<\/(?:\w+:)?si>)/g;
  for (let m = SI.exec(xml); m; m = SI.exec(xml)) out.push(m[1] === undefined ? '' : stringItemText(m[1]));
  return out;
}
