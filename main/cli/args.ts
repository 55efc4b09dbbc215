/** Command-line parsing shared by every command: node's own parseArgs, with one usage text. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export const USAGE = `venice-batch: batch AI video generation with Venice.ai

Usage:
  venice-batch validate <sheet> [--model ID] [--json] [read options]
  venice-batch quote <sheet> [--model ID] [--json] [read options]
  venice-batch run <sheet> --out <dir> [--concurrency N] [--budget USD] [--rehearsal] [--yes]
                   [--model ID] [--duration 5s] [--resolution 720p] [--aspect-ratio 16:9] [--audio yes|no]
                   [--template "{row}-{name}-{take}"] [read options]
  venice-batch work [--until-idle]
  venice-batch status [--batch N] [--json] [--csv results.csv]
  venice-batch studio import [--json]
  venice-batch retry [--batch N] [--rows 3,7]
  venice-batch resolve --rows 3,7 (--resubmit | --lost) [--batch N]
  venice-batch models [--json] [--rehearsal]
  venice-batch export <dir|batch-id> --out <file.mp4> [--preset match|1080p|720p|vertical]
                   [--transition cut|crossfade=0.5] [--music bed.mp3] [--edl file.edl] [--fcpxml file.fcpxml]
                   [--contact-sheet file.png] [--overwrite] [--json]

Read options (as in the app's import panel; by default each is detected and the choice is said in a note):
  --sheet NAME        the workbook sheet to read (default: the one open when it was saved, else the first visible)
  --encoding NAME     utf-8, utf-16le, utf-16be, windows-1252, macintosh (Mac Roman) or ibm850 (DOS CP850)
  --delimiter D       , ; tab or |
  --header-row N      the row holding the column names, as the spreadsheet numbers it
  --profile NAME      a column mapping saved in the app

Sheets: CSV, TSV or XLSX with a header row; columns prompt, negative_prompt, model, duration, resolution,
aspect_ratio, audio, image (a file in the sheet's folder or an https URL), name, takes. Usual variants such as
"Prompt text", "Duration (s)", "Durée", "Dauer (s)" or "Duración" are recognised in seven languages.
Key: the system keychain (set it in the app) or VENICE_API_KEY. API: VENICE_BASE_URL (default Venice's).
Data: VENICE_BATCH_DATA (default the app's data folder). --rehearsal uses the built-in simulator: no money is spent.
Studio: VENICE_BATCH_DB=postgres://user:pass@host:5432/db puts this machine on a studio's shared queue; \`work\`
works every active batch of every machine there (a render box), --until-idle until none is left; \`studio import\`
moves this machine's own queue into it, once (with the app closed).
Exit codes: 0 all good, 1 some rows invalid/failed/in doubt (export: the output failed verification),
2 could not run (unreadable sheet, bad arguments), 130 interrupted.`;

export const OPTIONS = {
  json: { type: 'boolean' },
  model: { type: 'string' },
  duration: { type: 'string' },
  resolution: { type: 'string' },
  'aspect-ratio': { type: 'string' },
  audio: { type: 'string' },
  'negative-prompt': { type: 'string' },
  out: { type: 'string' },
  concurrency: { type: 'string' },
  budget: { type: 'string' },
  rehearsal: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  template: { type: 'string' },
  batch: { type: 'string' },
  rows: { type: 'string' },
  resubmit: { type: 'boolean' },
  lost: { type: 'boolean' },
  sheet: { type: 'string' },
  encoding: { type: 'string' },
  delimiter: { type: 'string' },
  'header-row': { type: 'string' },
  profile: { type: 'string' },
  csv: { type: 'string' },
  'until-idle': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export type CliValues = ReturnType<typeof parse>['values'];

export function parse(argv: string[]) {
  return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function intOption(v: string | undefined, name: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

export function moneyOption(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v.replace(/^\$/, ''));
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be an amount in USD, such as 25 or 12.50`);
  return n;
}

export function rowList(v: string | undefined): number[] | undefined {
  if (v === undefined) return undefined;
  const out: number[] = [];
  for (const part of v.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new UsageError(`--rows takes row numbers like 3,7,10-12 (got "${part}")`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    for (let i = Math.min(a, b); i <= Math.max(a, b); i++) out.push(i);
  }
  return out;
}

export function audioOption(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (/^(yes|y|true|on|1)$/i.test(v)) return true;
  if (/^(no|n|false|off|0)$/i.test(v)) return false;
  throw new UsageError('--audio takes yes or no');
}
