/**
 * The little XML a workbook needs, read with regular expressions over SpreadsheetML's flat, machine-written parts:
 * attributes, entities and Office's own `_xHHHH_` escapes. Namespace prefixes (`x:c` from the .NET Open XML SDK) are
 * accepted wherever a tag is matched.
 */

const ATTR = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Attributes of a start tag's inner text (`r="A1" t="s"`), prefixes dropped from names (`r:id` stays `r:id`). */
export function attributes(tagInner: string): Record<string, string> {
  const out: Record<string, string> = {};
  ATTR.lastIndex = 0;
  for (let m = ATTR.exec(tagInner); m; m = ATTR.exec(tagInner)) out[m[1]!] = decodeXml(m[2] ?? m[3] ?? '');
  return out;
}

const ONE_ATTR = new Map<string, RegExp>();

/** One attribute, without building the whole record (the hot path: every cell's r, t and s). */
export function attribute(tagInner: string, name: string): string | undefined {
  let re = ONE_ATTR.get(name);
  if (!re) {
    re = new RegExp(`(?:^|\\s)${name.replace(/[.:]/g, '\\$&')}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`);
    ONE_ATTR.set(name, re);
  }
  const m = re.exec(tagInner);
  return m ? decodeXml(m[1] ?? m[2] ?? '') : undefined;
}

const ENTITY = /&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function codePoint(n: number): string {
  return Number.isInteger(n) && n >= 0 && n <= 0x10ffff ? String.fromCodePoint(n) : '\ufffd';
}

export function decodeXml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (_, e: string) => {
    if (e[0] === '#') return codePoint(e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10));
    return NAMED[e.toLowerCase()] ?? '';
  });
}

/** Office writes characters XML cannot hold as `_xHHHH_` (a CR as `_x000D_`), and a literal `_x` as `_x005F_x`. */
export function decodeOfficeEscapes(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** The text of a string item (`<si>` or `<is>`): every `<t>`, phonetic guides (`<rPh>`) left out. */
export function stringItemText(inner: string): string {
  const body = inner.includes('rPh') ? inner.replace(/<(?:\w+:)?rPh\b[\s\S]*?<\/(?:\w+:)?rPh>/g, '') : inner;
  let out = '';
  const T = /<(?:\w+:)?t(?:\s[^>]*)?(?:\/>|>([\s\S]*?)<\/(?:\w+:)?t>)/g;
  for (let m = T.exec(body); m; m = T.exec(body)) out += m[1] ?? '';
  return decodeOfficeEscapes(decodeXml(out));
}
