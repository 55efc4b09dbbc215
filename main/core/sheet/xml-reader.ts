/**
 * SpreadsheetML parts read with saxes, a streaming (SAX) XML parser: entities, character references and CDATA are
 * its job; no DTD is ever expanded, so a crafted part cannot grow in memory. Element names reach the handlers without
 * their namespace prefix (`x:c` from the .NET Open XML SDK is `c`); attribute names keep theirs (`r:id`).
 *
 * A part can be fed in slices, with the event loop given its turns in between (a worksheet of 200,000 rows).
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { SheetReadError } from './errors';
import { Pacer } from './pace';

export interface XmlHandlers {
  open?(name: string, attributes: Record<string, string>): void;
  close?(name: string): void;
  /** Character data, CDATA included, in pieces. */
  text?(text: string): void;
}

const localName = (name: string) => {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
};

function damagedPart(part: string, detail: string): SheetReadError {
  return new SheetReadError(
    'unreadable-workbook',
    `This file could not be read as an Excel workbook (the part ${part} is damaged: ${detail}). Open it in Excel, Numbers or Google Sheets and save or download it as .xlsx or CSV.`,
  );
}

/** A saxes parser for one part, with the handlers wired and its errors turned into a SheetReadError naming the part. */
function parserFor(part: string, handlers: XmlHandlers): SaxesParser {
  const parser = new SaxesParser({ xmlns: false, position: false });
  const { open, close, text } = handlers;
  if (open) parser.on('opentag', (tag: SaxesTagPlain) => open(localName(tag.name), tag.attributes));
  if (close) parser.on('closetag', (tag: SaxesTagPlain) => close(localName(tag.name)));
  if (text) {
    parser.on('text', text);
    parser.on('cdata', text);
  }
  parser.on('error', (e: Error) => {
    throw e instanceof SheetReadError ? e : damagedPart(part, e.message);
  });
  return parser;
}

/** Reads a (small) part whole. */
export function readXml(part: string, xml: string, handlers: XmlHandlers): void {
  const parser = parserFor(part, handlers);
  parser.write(xml);
  parser.close();
}

const SLICE_BYTES = 256 * 1024;

/**
 * Reads a part from its unpacked bytes, a slice at a time, giving the event loop a turn whenever the pacer says so.
 * `endsEarly` names what it means when the XML stops before its end (see parse-xlsx.ts: a zip directory that lied).
 */
export async function readXmlBytes(part: string, bytes: Uint8Array, handlers: XmlHandlers, endsEarly?: string): Promise<void> {
  const parser = parserFor(part, handlers);
  const decoder = new TextDecoder('utf-8');
  const pacer = new Pacer();
  for (let at = 0; at < bytes.length; ) {
    // Each slice ends on a character boundary and is decoded on its own: TextDecoder's streaming mode is several
    // times slower than a plain decode.
    let end = Math.min(bytes.length, at + SLICE_BYTES);
    while (end < bytes.length && end > at && (bytes[end]! & 0xc0) === 0x80) end--;
    parser.write(decoder.decode(bytes.subarray(at, end)));
    at = end;
    if (pacer.due()) await pacer.pause();
  }
  try {
    parser.close();
  } catch (e) {
    throw endsEarly && e instanceof SheetReadError && /unclosed tag|must contain a root element/.test(e.message) ? damagedPart(part, endsEarly) : e;
  }
}
