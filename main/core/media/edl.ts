/**
 * A CMX 3600 EDL of the timeline, so an editor can rebuild it in Premiere, Resolve or Avid. One event per clip; a
 * crossfade is the standard two-line dissolve event (the outgoing clip's zero-length cut at the dissolve's start,
 * then `D nnn` to the incoming clip). Sources are files, so the reel is `AX` and the clip is named in
 * `* FROM CLIP NAME:` / `* SOURCE FILE:` comments, which is how those suites relink.
 *
 * The record side counts frames of the timeline's rate from 01:00:00:00 (drop-frame labels with `;` when the
 * timeline is 29.97 DF). The source side counts each clip's OWN frames from its own timecode (embedded, else
 * 00:00:00:00), so a 12 fps clip's source out is a 12 fps timecode, and an event's source range lasts exactly as
 * long as its record range (timeline-layout.ts snaps the edits where both grids meet). Markers follow the event they
 * fall in as `* LOC:` lines, as Avid and Resolve write them.
 */
import path from 'node:path';
import { buildHandoffPlan, type HandoffClip, type HandoffOptions, type HandoffPlan } from './handoff-plan';
import type { ExportPlan } from './export-plan';
import { writeTextOutput } from './place-output';
import { timecodeBase, timecodeLabel } from './timecode';

const MAX_EVENTS = 999;
/** Classic CMX 3600 readers take 80-column lines; names go into comment lines that must fit. */
export const EDL_LINE_MAX = 80;
const FROM_CLIP = '* FROM CLIP NAME: ';
const TO_CLIP = '* TO CLIP NAME: ';

/** EDL lines cannot hold line breaks or other control characters; a path keeps everything else. */
export function edlText(s: string): string {
  return s.replace(/\p{Cc}/gu, ' ').trim();
}

/**
 * A clip name as CMX 3600 readers accept it: printable ASCII only (accents dropped, anything else `_`), no control
 * characters, short enough for its comment line. The full file path follows in `* SOURCE FILE:`.
 */
export function edlClipName(s: string, max = EDL_LINE_MAX - FROM_CLIP.length): string {
  const ascii = s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/\s+/g, ' ')
    .trim();
  return (ascii || 'clip').slice(0, max).trimEnd();
}

function eventLine(n: number, channel: string, transition: string, dur: string, src: [string, string], rec: [string, string]): string {
  return `${String(n).padStart(3, '0')}  ${'AX'.padEnd(8)} ${channel.padEnd(5)} ${transition.padEnd(4)} ${dur.padStart(3)} ${src[0]} ${src[1]} ${rec[0]} ${rec[1]}`;
}

export function buildEdl(h: HandoffPlan): string {
  if (h.clips.length > MAX_EVENTS) throw new Error(`A CMX 3600 EDL holds at most ${MAX_EVENTS} events; this timeline has ${h.clips.length} clips.`);
  const recBase = timecodeBase(h.fps);
  const recTc = (f: number) => timecodeLabel(h.recordStart + f, recBase, h.dropFrame);
  const srcTc = (c: HandoffClip, rec: number) => timecodeLabel(c.media.tcStart + c.srcAt(rec), timecodeBase(c.media.rate), c.media.dropFrame);
  const lines = [`TITLE: ${edlClipName(h.title, 70) || 'venice-batch'}`, `FCM: ${h.dropFrame ? 'DROP FRAME' : 'NON-DROP FRAME'}`, ''];
  const channel = (c: HandoffClip) => (c.media.hasAudio ? 'AA/V' : 'V');
  const nameLine = (prefix: string, c: HandoffClip) => `${prefix}${edlClipName(c.label, EDL_LINE_MAX - prefix.length)}`;
  const fileLine = (c: HandoffClip) => `* SOURCE FILE: ${edlText(c.media.file)}`;

  h.clips.forEach((c, i) => {
    const s = c.span;
    const next = h.clips[i + 1];
    // The record out is where the next clip takes over: its dissolve starts there, or the cut happens there.
    const recOut = next ? next.span.recIn : s.recOut;
    const src: [string, string] = [srcTc(c, s.recIn), srcTc(c, recOut)];
    const rec: [string, string] = [recTc(s.recIn), recTc(recOut)];
    const prev = h.clips[i - 1];
    if (s.fadeIn > 0 && prev) {
      // The outgoing clip, held at the dissolve's start (its record out above), then the dissolve into this clip.
      const cut = srcTc(prev, s.recIn);
      lines.push(eventLine(i + 1, channel(prev), 'C', '', [cut, cut], [rec[0], rec[0]]));
      lines.push(eventLine(i + 1, channel(c), 'D', String(s.fadeIn).padStart(3, '0'), src, rec));
      lines.push(nameLine(FROM_CLIP, prev), nameLine(TO_CLIP, c), fileLine(c));
    } else {
      lines.push(eventLine(i + 1, channel(c), 'C', '', src, rec), nameLine(FROM_CLIP, c), fileLine(c));
    }
    for (const m of h.markers) {
      if (m.frame >= s.recIn && (m.frame < recOut || (!next && m.frame < s.recOut))) {
        lines.push(`* LOC: ${recTc(m.frame)} RED     ${edlClipName(edlText(m.note), EDL_LINE_MAX - 30)}`);
      }
    }
    lines.push('');
  });
  return lines.join('\r\n');
}

export function edlFromPlan(plan: ExportPlan, opts: HandoffOptions): string {
  return buildEdl(buildHandoffPlan(plan, opts));
}

/** Writes the EDL next to nothing it may overwrite (see place-output.ts). */
export async function writeEdl(plan: ExportPlan, out: string, opts: { overwrite?: boolean; title?: string } & Partial<HandoffOptions> = {}): Promise<string> {
  const title = opts.title ?? path.basename(out, path.extname(out));
  return writeTextOutput(out, '.edl', edlFromPlan(plan, { ...opts, title }), opts.overwrite === true);
}
