/**
 * A PNG contact sheet of the timeline: one thumbnail per clip (the frame in the middle of its trimmed span), letter-
 * boxed into equal cells and tiled in timeline order, 4 across by default. One ffmpeg run with a fast seek per input;
 * the grid is filled with blank cells first so the tile filter always has a full page to emit.
 */
import type { ExportPlan } from './export-plan';
import { runFfmpeg, throwIfCancelled } from './ffmpeg-run';
import { secText } from './frame-rate';
import { placeOutput, prepareTarget } from './place-output';
import { spanMidSec } from './timeline-layout';
import { filterGraphArgs, openWorkDir } from './work-dir';

export interface ContactSheetOptions {
  columns?: number;
  thumbWidth?: number;
  thumbHeight?: number;
  overwrite?: boolean;
  signal?: AbortSignal;
}

export interface ContactSheetResult {
  output: string;
  width: number;
  height: number;
  columns: number;
  rows: number;
  commandLine: string;
}

const PADDING = 4;
const MARGIN = 8;
const BACKGROUND = '0x202020';

export function contactSheetSize(count: number, columns: number, tw: number, th: number): { width: number; height: number; columns: number; rows: number } {
  const cols = Math.max(1, Math.min(columns, count));
  const rows = Math.max(1, Math.ceil(count / cols));
  return {
    width: cols * tw + (cols - 1) * PADDING + 2 * MARGIN,
    height: rows * th + (rows - 1) * PADDING + 2 * MARGIN,
    columns: cols,
    rows,
  };
}

export function contactSheetGraph(count: number, cols: number, rows: number, tw: number, th: number): string {
  const parts: string[] = [];
  const cells: string[] = [];
  for (let i = 0; i < count; i++) {
    parts.push(
      `[${i}:v:0]scale=${tw}:${th}:force_original_aspect_ratio=decrease:force_divisible_by=2,` +
        `pad=${tw}:${th}:(ow-iw)/2:(oh-ih)/2:color=${BACKGROUND},setsar=1,format=rgb24,trim=end_frame=1,setpts=N[t${i}]`,
    );
    cells.push(`[t${i}]`);
  }
  for (let i = count; i < cols * rows; i++) {
    parts.push(`color=c=${BACKGROUND}:s=${tw}x${th}:r=1:d=1,format=rgb24,trim=end_frame=1,setpts=N[t${i}]`);
    cells.push(`[t${i}]`);
  }
  parts.push(`${cells.join('')}concat=n=${cells.length}:v=1:a=0,tile=${cols}x${rows}:padding=${PADDING}:margin=${MARGIN}:color=${BACKGROUND}[sheet]`);
  return parts.join(';');
}

export async function writeContactSheet(plan: ExportPlan, out: string, opts: ContactSheetOptions = {}): Promise<ContactSheetResult> {
  const tw = opts.thumbWidth ?? 320;
  const th = opts.thumbHeight ?? 180;
  const overwrite = opts.overwrite === true;
  const spans = plan.layout.spans;
  const size = contactSheetSize(spans.length, opts.columns ?? 4, tw, th);
  throwIfCancelled(opts.signal);
  const { dir, target } = await prepareTarget(out, '.png', overwrite);
  const work = await openWorkDir(dir);
  try {
    const inputs: string[] = [];
    for (const s of spans) {
      const name = await work.addInput(s.file);
      // Fast seek (before -i) to the middle of the trimmed span, a little before so a frame is always found.
      inputs.push('-ss', secText(Math.max(0, spanMidSec(s, plan.layout.fps) - 0.01)), '-i', name);
    }
    const graph = contactSheetGraph(spans.length, size.columns, size.rows, tw, th);
    const { commandLine } = await runFfmpeg({
      args: [...inputs, ...(await filterGraphArgs(work, graph)), '-map', '[sheet]', '-frames:v', '1', '-c:v', 'png', '-f', 'image2', '-update', '1', '-y', 'sheet.png'],
      cwd: work.dir,
      signal: opts.signal,
    });
    await placeOutput(work.file('sheet.png'), target, overwrite);
    return { output: target, ...size, commandLine };
  } finally {
    await work.remove();
  }
}
