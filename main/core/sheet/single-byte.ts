/**
 * The single-byte encodings spreadsheet apps still write: Windows-1252 (Excel for Windows "CSV"), Mac Roman (Excel for
 * Mac "CSV (Macintosh)") and CP850 (Excel "CSV (MS-DOS)" in Western Europe). Browsers and Node decode the first two
 * with TextDecoder; CP850 is not in the WHATWG Encoding Standard, so its upper half is tabled here.
 */

/** CP850 bytes 0x80-0xFF (IBM code page 850, as Python's and ICU's cp850 codecs define it). */
const CP850_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u00ad±‗¾¶§÷¸°¨·¹³²■\u00a0';

let cp850Table: string[] | undefined;

export function decodeCp850(bytes: Uint8Array): string {
  cp850Table ??= Array.from({ length: 256 }, (_, b) => (b < 0x80 ? String.fromCharCode(b) : CP850_HIGH[b - 0x80]!));
  const table = cp850Table;
  const parts: string[] = [];
  // Joined in slices: one string per byte for 100 MB would be far slower than ASCII runs copied at once.
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! < 0x80) continue;
    if (i > start) parts.push(asciiSlice(bytes, start, i));
    parts.push(table[bytes[i]!]!);
    start = i + 1;
  }
  if (start < bytes.length) parts.push(asciiSlice(bytes, start, bytes.length));
  return parts.join('');
}

// "latin1" names the same WHATWG decoder as "windows-1252", but Node decodes it on a fast path about ten times quicker.
const ascii = new TextDecoder('latin1');
function asciiSlice(bytes: Uint8Array, from: number, to: number): string {
  return ascii.decode(bytes.subarray(from, to));
}

/** The names this app uses for the encodings it knows, by every label a user may type. */
const LABELS: Record<string, SingleByteEncoding> = {
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
  'iso-8859-1': 'windows-1252',
  latin1: 'windows-1252',
  macintosh: 'macintosh',
  mac: 'macintosh',
  macroman: 'macintosh',
  'mac-roman': 'macintosh',
  'x-mac-roman': 'macintosh',
  ibm850: 'ibm850',
  cp850: 'ibm850',
  '850': 'ibm850',
  'ibm-850': 'ibm850',
  'dos-850': 'ibm850',
  'ms-dos': 'ibm850',
};

export type SingleByteEncoding = 'windows-1252' | 'macintosh' | 'ibm850';
export const SINGLE_BYTE_ENCODINGS: readonly SingleByteEncoding[] = ['windows-1252', 'macintosh', 'ibm850'];

export function singleByteOf(label: string): SingleByteEncoding | undefined {
  return LABELS[label.trim().toLowerCase()];
}

export function decodeSingleByte(bytes: Uint8Array, encoding: SingleByteEncoding): string {
  if (encoding === 'ibm850') return decodeCp850(bytes);
  return (encoding === 'windows-1252' ? ascii : new TextDecoder(encoding)).decode(bytes);
}

/** Words for messages: which program writes this encoding. */
export const ENCODING_NAMES: Record<string, string> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16 LE',
  'utf-16be': 'UTF-16 BE',
  'windows-1252': 'Windows-1252 (Excel for Windows "CSV")',
  macintosh: 'Mac Roman (Excel for Mac "CSV (Macintosh)")',
  ibm850: 'DOS CP850 (Excel "CSV (MS-DOS)")',
};

const LOWER_COMMON = new Set([...'éèêëàâäáãåçîïíìôöóòõûüúùñœæß']);
const TYPO_PUNCT = new Set([...'‘’‚“”„«»–—…•€£°·¿¡']);

function isAsciiLower(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}
function isAsciiUpper(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}
type CharClass = 'lower' | 'upper' | 'punct' | 'space' | 'digit' | 'other' | 'bad';
function classify(ch: string | undefined): CharClass {
  if (ch === undefined) return 'space';
  const c = ch.charCodeAt(0);
  if (isAsciiLower(c)) return 'lower';
  if (isAsciiUpper(c)) return 'upper';
  if (c >= 0x30 && c <= 0x39) return 'digit';
  if (c <= 0x20 || c === 0xa0) return 'space';
  if (c < 0x80) return 'punct';
  if ((c >= 0x80 && c < 0xa0) || c === 0xfffd || (c >= 0xe000 && c <= 0xf8ff)) return 'bad';
  if (TYPO_PUNCT.has(ch)) return 'punct';
  const lower = ch.toLowerCase();
  const upper = ch.toUpperCase();
  if (lower !== upper) return ch === lower ? 'lower' : 'upper';
  return 'other';
}

const VOWELS = 'aeiouáéíóúàèìòùâêîôûäëïöü';

/**
 * Spelling facts of the seven languages that separate readings whose letters are all lowercase and accented (a Mac
 * Roman "cámara" read as CP850 is "cçmara"): ç only comes before a, o or u; ù and ì/ò end words (où, così, però);
 * û is followed by a consonant (sûr, août); ñ is followed by a vowel (año, señor).
 */
function spelling(ch: string, next: string | undefined): number {
  const letter = next !== undefined && next.toLowerCase() !== next.toUpperCase();
  const vowel = next !== undefined && VOWELS.includes(next.toLowerCase());
  switch (ch) {
    case 'ç':
      return letter && !'aouâ'.includes(next!.toLowerCase()) ? -3 : 0;
    case 'ù':
    case 'ì':
    case 'ò':
      return letter ? -2 : 0;
    case 'û':
      return vowel ? -2 : 0;
    case 'ñ':
      return vowel ? 1 : -1;
    default:
      return 0;
  }
}

/**
 * How plausible a decoding of European text is, judged on the characters that came from bytes 0x80-0xFF: an accented
 * lowercase letter inside a lowercase word scores, an accented capital after a lowercase letter ("CafÈ"), box drawing,
 * maths symbols and control codes cost. Each wrong decoding of a byte lands on a different kind of character, so the
 * right one stands out after a few accented words.
 */
export function plausibility(text: string, highPositions: readonly number[]): number {
  let score = 0;
  for (const i of highPositions) {
    const ch = text[i]!;
    const kind = classify(ch);
    const before = classify(text[i - 1]);
    const after = classify(text[i + 1]);
    switch (kind) {
      case 'lower': {
        const letter = (k: CharClass) => k === 'lower' || k === 'upper';
        if (!letter(before) && !letter(after)) {
          // A letter standing alone is a word only for à, é and è (French, Italian, Portuguese); "ó" alone in a cell
          // is far more likely a dash placeholder ("—") read in the wrong code page.
          score += 'àéè'.includes(ch) ? 1 : -1;
          break;
        }
        if (text[i - 1] === ch || text[i + 1] === ch) {
          score -= 2; // no language doubles an accented letter ("óó" is a dash rule "——" in the wrong code page)
          break;
        }
        score += before === 'lower' || after === 'lower' ? 2 : 0.5;
        if (LOWER_COMMON.has(ch)) score += 1;
        score += spelling(ch, text[i + 1]);
        break;
      }
      case 'upper':
        if (before === 'lower') score -= 3;
        else if (after === 'lower' || after === 'upper' || before === 'upper') score += 1;
        break;
      case 'punct': {
        const word = (k: CharClass) => k === 'lower' || k === 'upper' || k === 'digit';
        if ((ch === '’' || ch === '‘') && word(before) && word(after)) score += 3;
        else if ((ch === '–' || ch === '—') && before === 'space' && after === 'space') score += 2;
        else if (ch === '–' && before === 'digit' && after === 'digit') score += 2; // a range: 5–10
        else if (ch === '—' && word(before) && word(after)) score += 2; // an unspaced em dash: word—word
        else if ((ch === '–' || ch === '—') && !word(before) && !word(after)) score += 1; // a dash standing for "none"
        else if (ch === '—' && (word(before) || word(after))) score += 2; // a broken-off sentence: "I was—"
        else if ((ch === '€' || ch === '£' || ch === '°') && (before === 'digit' || after === 'digit' || before === 'space')) score += 1;
        else if (ch === '…' && before !== 'space') score += 1;
        else if ((ch === '“' || ch === '„' || ch === '‘') && word(after)) score += 3; // an opening quote before a word
        else if ((ch === '”' || ch === '’') && word(before)) score += 3; // a closing quote after one
        else if ('«»'.includes(ch) && (before === 'space' || after === 'space')) score += 2;
        else if ('“”„«»'.includes(ch) && (before === 'space' || after === 'space' || word(before) || word(after))) score += 1;
        else if ((ch === '¿' || ch === '¡') && word(after)) score += 1;
        break;
      }
      case 'bad':
        score -= 5;
        break;
      case 'space':
        break;
      default:
        score -= 2; // box drawing, maths, ¤ ¦ ¶ and their like: not what prompts are made of
    }
  }
  return score;
}
