/**
 * The two things the parse bench compares, shared by the in-process timing loop and the one-shot memory children:
 * a generated sheet shaped like an editor's real one, bare Papa Parse on its text, and the product's import +
 * validation (what SheetImports.add does before pricing, without the HTTP layer).
 */
import { createHash } from 'node:crypto';
import Papa from 'papaparse';
import { importSheet } from '../main/core/sheet';
import { prepareBatch } from '../main/core/services/prepare-batch';
import type { SheetFile } from '../main/core/services/sheet-file';
import type { Catalog } from '../main/core/venice/catalog';
import { rulesFromModel } from '../main/core/venice/model-rules';
import { SIM_MODELS, modelToWire } from '../main/core/venice/simulator/models';
import { mulberry32 } from './prng';

export type SheetKind = 'utf8' | 'cp1252';

const SUBJECTS = [
  'A lighthouse keeper, café au lait in hand, watches the storm roll in',
  'Slow aerial push over a foggy harbour at dawn, gulls circling, "cinematic" grade',
  'Niño runs through the plaza; confetti, drums, a brass band',
  'Close-up of crème brûlée being torched, caramel crackling, shallow depth of field',
  'Handheld walk through a busy fish market, vendors shouting, ice glistening',
  'Über-wide shot of the fjord at golden hour, a ferry crossing, mist on the water',
  'Señora knits by the window, rain streaks, warm tungsten light',
  'Drone orbit around a ruined château, ivy, crows, overcast sky',
];
const DETAILS = ['slow dolly in', 'locked-off tripod', 'steady tracking shot, 35mm', 'whip pan, then hold', 'rack focus from foreground to the horizon'];
const SCENES = ['Intro', 'Act I', 'Act II', 'Finale', 'B-roll'];

/** The simulator's model list, read through the same rules the live catalog uses. */
export function simCatalog(): Catalog {
  const models = SIM_MODELS.map((m) => rulesFromModel(modelToWire(m)));
  return { models, byId: new Map(models.map((r) => [r.id, r])), fetchedAt: Date.now(), ageMs: 0, source: 'cache', stale: false, warning: undefined };
}

function quote(cell: string, delimiter: string): string {
  return /["\r\n]/.test(cell) || cell.includes(delimiter) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/**
 * `rows` rows: prompts with commas, quotes, quoted line breaks and accents; mostly valid parameters for the
 * simulator's models, about 1 in 20 with a mistake an editor makes (a duration the model does not offer).
 */
export function makeSheetText(rows: number, delimiter: ',' | ';', seed = 7): string {
  const random = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const models = SIM_MODELS.filter((m) => m.modelType === 'text-to-video');
  const lines = [['prompt', 'name', 'model', 'duration', 'resolution', 'aspect_ratio', 'audio', 'scene', 'notes'].join(delimiter)];
  for (let i = 1; i <= rows; i++) {
    const m = pick(models);
    let prompt = `${pick(SUBJECTS)}, ${pick(DETAILS)}`;
    if (i % 7 === 0) prompt += `\nSecond beat: the camera settles, "hold for two seconds"`;
    const duration = i % 20 === 0 ? '7s' : pick(m.durations);
    const cells = [
      prompt,
      `shot-${String(i).padStart(5, '0')}`,
      m.id,
      duration,
      pick(m.resolutions),
      m.aspectRatios.length ? pick(m.aspectRatios) : '',
      m.audioConfigurable ? pick(['yes', 'no']) : '',
      pick(SCENES),
      i % 3 === 0 ? 'Client note: keep the logo off-frame, per Zoë' : '',
    ];
    lines.push(cells.map((c) => quote(c, delimiter)).join(delimiter));
  }
  return lines.join('\r\n') + '\r\n';
}

/** Windows-1252 bytes as older Excel saves them; the generated text only uses Latin-1 letters plus these. */
const CP1252_EXTRA: Record<string, number> = { '€': 0x80, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '–': 0x96, '—': 0x97 };

export function encodeCp1252(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    const code = ch.charCodeAt(0);
    const byte = code < 0x80 || (code >= 0xa0 && code <= 0xff) ? code : CP1252_EXTRA[ch];
    if (byte === undefined) throw new Error(`"${ch}" has no Windows-1252 byte`);
    out[i] = byte;
  }
  return out;
}

export function makeSheetBytes(rows: number, kind: SheetKind): Uint8Array {
  return kind === 'utf8' ? new TextEncoder().encode(makeSheetText(rows, ',')) : encodeCp1252(makeSheetText(rows, ';'));
}

/**
 * Baseline: what a plain parser does with the same bytes. For the Windows-1252 file it is told the encoding
 * (it cannot guess one) and finds the delimiter itself, as Papa Parse does by default.
 */
export function runPapa(bytes: Uint8Array, kind: SheetKind): { rows: number; held: unknown } {
  const text = new TextDecoder(kind === 'utf8' ? 'utf-8' : 'windows-1252').decode(bytes);
  const result = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  return { rows: result.data.length, held: result };
}

/** The same rows as a workbook, written by exceljs (as the app's own tests write theirs). */
export async function makeXlsxBytes(rows: number): Promise<Uint8Array> {
  const { default: ExcelJS } = await import('exceljs');
  const text = makeSheetText(rows, ',');
  const table = await (await import('../main/core/sheet/parse-csv')).parseCsv(text);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Shots');
  ws.addRow(table.header);
  for (const r of table.rows) ws.addRow(r);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/**
 * A 1 ms timer whose longest gap between ticks is how long the thread was held at once: what freezes a window (or
 * Electron's main process) during an import. `reset` starts a new measurement; `stop` ends the timer.
 */
export function blockMeter(): { longestMs: () => number; reset: () => void; stop: () => void } {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  return {
    longestMs: () => Math.max(longest, performance.now() - last),
    reset: () => (longest = 0),
    stop: () => clearInterval(timer),
  };
}

/** Runs `work` under a block meter and returns its longest block. */
export async function longestBlock<T>(work: () => Promise<T>): Promise<{ result: T; longestMs: number }> {
  const meter = blockMeter();
  try {
    const result = await work();
    return { result, longestMs: meter.longestMs() };
  } finally {
    meter.stop();
  }
}

/** The product: hash, detect encoding and delimiter, parse, map columns, build rows, validate every row. */
export async function runProduct(bytes: Uint8Array, catalog: Catalog, fileName = 'sheet.csv'): Promise<{ rows: number; invalid: number; detected: string; held: unknown }> {
  const hash = createHash('sha256').update(bytes).digest('hex');
  const sheet = await importSheet(bytes, { fileName });
  const file: SheetFile = { path: '/nonexistent/bench/sheet.csv', hash, sheet };
  const prepared = await prepareBatch(file, catalog, {}, undefined);
  return { rows: prepared.validation.rows.length, invalid: prepared.invalid.length, detected: `${sheet.encoding} ${sheet.delimiter}`, held: { sheet, prepared } };
}
