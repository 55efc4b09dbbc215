/**
 * A PNG contact sheet of the timeline: one thumbnail per clip (the frame in the middle of its trimmed span), letter-
 * boxed into equal cells and tiled in timeline order, 4 across by default, each captioned with its position, name and
 * length so an editor can talk about "clip 7" without opening anything. One ffmpeg run with a fast seek per input;
 * the grid is filled with blank cells first so the tile filter always has a full page to emit.
 */
import { writeFile } from 'node:fs/promises';
import type { ExportPlan } from './export-plan';
import { runFfmpeg, throwIfCancelled } from './ffmpeg-run';
import { framesToSec, secText } from './frame-rate';
import { placeOutput, prepareTarget } from './place-output';
import { spanFrames, spanMidSec } from './timeline-layout';
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

/** The caption drawn on a thumbnail, read from an app-named text file so no clip name reaches the graph itself. */
function captionFilter(labelFile: string, th: number): string {
  const size = Math.max(10, Math.round(th / 13));
  return `,drawtext=textfile=${labelFile}:expansion=none:font=Sans:fontsize=${size}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=4:x=6:y=h-th-8`;
}

/** "3  Opening · 3.0 s": position, clip label (control characters removed) and trimmed length. */
export function captionText(position: number, label: string, seconds: number): string {
  const clean = label
    // eslint-disable-next-line no-control-regex -- control characters would print as boxes
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\.(mp4|mov|m4v|webm|mkv)$/i, '')
    .trim();
  return `${position}  ${clean} · ${seconds.toFixed(1)} s`;
}

export function contactSheetGraph(count: number, cols: number, rows: number, tw: number, th: number, labelFiles: readonly string[] = []): string {
  const parts: string[] = [];
  const cells: string[] = [];
  for (let i = 0; i < count; i++) {
    const label = labelFiles[i];
    parts.push(
      `[${i}:v:0]scale=${tw}:${th}:force_original_aspect_ratio=decrease:force_divisible_by=2,` +
        `pad=${tw}:${th}:(ow-iw)/2:(oh-ih)/2:color=${BACKGROUND},setsar=1${label ? captionFilter(label, th) : ''},format=rgb24,trim=end_frame=1,setpts=N[t${i}]`,
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
    const labelFiles: string[] = [];
    for (const [i, sp] of spans.entries()) {
      const name = `label-${String(i + 1).padStart(4, '0')}.txt`;
      await writeFile(work.file(name), captionText(i + 1, sp.label, framesToSec(spanFrames(sp), plan.layout.fps)));
      labelFiles.push(name);
    }
    const graph = contactSheetGraph(spans.length, size.columns, size.rows, tw, th, labelFiles);
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
