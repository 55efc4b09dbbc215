/**
 * A CMX 3600 EDL of the timeline, so an editor can rebuild it in Premiere, Resolve or Avid from the downloaded clips.
 * One event per clip; a crossfade is the standard two-line dissolve event (the outgoing clip's zero-length cut at the
 * dissolve's start, then `D nnn` to the incoming clip). Sources are file-based, so the reel is `AX` and the clip is
 * named in `* FROM CLIP NAME:` / `* SOURCE FILE:` comments, which is how those suites relink. Timecodes count frames
 * of the export's rate (non-drop), record side from 01:00:00:00.
 */
import path from 'node:path';
import { fpsValue, type FrameRate } from './frame-rate';
import type { ExportPlan } from './export-plan';
import { writeTextOutput } from './place-output';
import type { ClipSpan, TimelineLayout } from './timeline-layout';

export const EDL_RECORD_START_FRAMES_HOURS = 1;
const MAX_EVENTS = 999;

/** Integer timecode base: 29.97 counts as 30 (non-drop), 12 as 12. */
export function timecodeBase(fps: FrameRate): number {
  return Math.max(1, Math.round(fpsValue(fps)));
}

export function timecode(frames: number, base: number): string {
  const f = Math.max(0, Math.round(frames));
  const two = (n: number) => String(n).padStart(2, '0');
  const ff = f % base;
  const totalSec = Math.floor(f / base);
  return `${two(Math.floor(totalSec / 3600))}:${two(Math.floor(totalSec / 60) % 60)}:${two(totalSec % 60)}:${two(ff)}`;
}

/** EDL lines cannot hold line breaks or other control characters; a name keeps everything else. */
export function edlText(s: string): string {
  return s.replace(/\p{Cc}/gu, ' ').trim();
}

function eventLine(n: number, channel: string, transition: string, dur: string, src: [number, number], rec: [number, number], base: number): string {
  const tc = (f: number) => timecode(f, base);
  return `${String(n).padStart(3, '0')}  ${'AX'.padEnd(8)} ${channel.padEnd(5)} ${transition.padEnd(4)} ${dur.padStart(3)} ${tc(src[0])} ${tc(src[1])} ${tc(rec[0])} ${tc(rec[1])}`;
}

export interface EdlInput {
  title: string;
  layout: TimelineLayout;
  hasAudio: readonly boolean[];
}

export function buildEdl(input: EdlInput): string {
  const { layout } = input;
  const spans = layout.spans;
  if (spans.length > MAX_EVENTS) throw new Error(`A CMX 3600 EDL holds at most ${MAX_EVENTS} events; this timeline has ${spans.length} clips.`);
  const base = timecodeBase(layout.fps);
  const recStart = EDL_RECORD_START_FRAMES_HOURS * 3600 * base;
  const lines = [`TITLE: ${edlText(input.title).slice(0, 70) || 'venice-batch'}`, 'FCM: NON-DROP FRAME', ''];
  const channel = (i: number) => (input.hasAudio[i] ? 'AA/V' : 'V');
  const comments = (s: ClipSpan) => [`* FROM CLIP NAME: ${edlText(s.label)}`, `* SOURCE FILE: ${edlText(s.file)}`];

  spans.forEach((s, i) => {
    const next = spans[i + 1];
    // The record out is where the next clip takes over: its dissolve starts there, or the cut happens there.
    const recOut = next ? next.recIn : s.recOut;
    const src: [number, number] = [s.srcIn, s.srcIn + (recOut - s.recIn)];
    const rec: [number, number] = [recStart + s.recIn, recStart + recOut];
    const prev = spans[i - 1];
    if (s.fadeIn > 0 && prev) {
      // The outgoing clip, frozen at the dissolve's start (its record out above), then the dissolve into this clip.
      const cutPoint = prev.srcIn + (s.recIn - prev.recIn);
      lines.push(eventLine(i + 1, channel(i - 1), 'C', '', [cutPoint, cutPoint], [rec[0], rec[0]], base));
      lines.push(eventLine(i + 1, channel(i), 'D', String(s.fadeIn).padStart(3, '0'), src, rec, base));
      lines.push(`* FROM CLIP NAME: ${edlText(prev.label)}`, `* TO CLIP NAME: ${edlText(s.label)}`, `* SOURCE FILE: ${edlText(s.file)}`);
    } else {
      lines.push(eventLine(i + 1, channel(i), 'C', '', src, rec, base), ...comments(s));
    }
    lines.push('');
  });
  return lines.join('\r\n');
}

export function edlFromPlan(plan: ExportPlan, title?: string): string {
  return buildEdl({ title: title ?? 'venice-batch', layout: plan.layout, hasAudio: plan.infos.map((i) => i.audio !== undefined) });
}

/** Writes the EDL next to nothing it may overwrite (see place-output.ts). */
export async function writeEdl(plan: ExportPlan, out: string, opts: { overwrite?: boolean; title?: string } = {}): Promise<string> {
  const title = opts.title ?? path.basename(out, path.extname(out));
  return writeTextOutput(out, '.edl', edlFromPlan(plan, title), opts.overwrite === true);
}
