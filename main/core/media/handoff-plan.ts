/**
 * The one description of a cut that every hand-off file is written from (EDL, FCPXML, FCP 7 XML, OTIO), so the four
 * cannot disagree with each other or with the render. Each clip names the media a suite should relink to: the
 * downloaded clip itself ("native": source frames counted at the clip's own rate from its own timecode), or media
 * conformed to the timeline's rate and frame ("conformed", see handoff-media.ts: source frames = timeline frames of
 * that file, which holds exactly the frames the export renders).
 */
import type { ExportPlan } from './export-plan';
import { type FrameRate } from './frame-rate';
import type { MediaInfo } from './probe';
import { canDropFrame, startTimecode, timecodeBase, timecodeFrames } from './timecode';
import { gridStep, sourceFrameAt, type ClipSpan } from './timeline-layout';

export type HandoffMediaMode = 'native' | 'conformed';

export interface HandoffMedia {
  file: string;
  rate: FrameRate;
  /** Video frames in the file, at its rate. */
  frames: number;
  /** The file's start timecode as frames of its rate, and whether its labels are drop-frame. */
  tcStart: number;
  dropFrame: boolean;
  width: number;
  height: number;
  hasAudio: boolean;
  audioRate: number;
  audioChannels: number;
}

export interface HandoffClip {
  span: ClipSpan;
  label: string;
  media: HandoffMedia;
  /** Frame of `media` (from its first frame, not its timecode) shown at record frame `rec`. */
  srcAt: (rec: number) => number;
  /** Record frame where this clip becomes the one on screen in suites that centre a transition on its cut. */
  edit: number;
}

export interface HandoffMarker {
  id: string;
  /** Record frame, timeline rate. */
  frame: number;
  note: string;
}

export interface HandoffPlan {
  title: string;
  mode: HandoffMediaMode;
  fps: FrameRate;
  dropFrame: boolean;
  width: number;
  height: number;
  totalFrames: number;
  /** The record side starts at 01:00:00:00 (as frames of the timeline's rate, drop-frame aware). */
  recordStart: number;
  clips: HandoffClip[];
  markers: HandoffMarker[];
  music: { file: string; name: string; info: MediaInfo; volume: number } | undefined;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function mediaOf(file: string, info: MediaInfo, rate: FrameRate, frames: number): HandoffMedia {
  const tc = startTimecode(info.timecode, rate);
  return {
    file,
    rate,
    frames,
    tcStart: tc.frames,
    dropFrame: tc.dropFrame && canDropFrame(rate),
    width: info.video?.width ?? 0,
    height: info.video?.height ?? 0,
    hasAudio: info.audio !== undefined,
    audioRate: info.audio?.sampleRate ?? 48000,
    audioChannels: info.audio?.channels ?? 2,
  };
}

export interface HandoffOptions {
  title: string;
  mode?: HandoffMediaMode;
  /** Conformed media per clip (mode 'conformed'): the file and its probe. */
  conformed?: ReadonlyArray<{ file: string; info: MediaInfo }>;
  /** Drop-frame labels on the record side (29.97/59.94 only); default: when a clip at the timeline's rate uses them. */
  dropFrame?: boolean;
}

export function buildHandoffPlan(plan: Pick<ExportPlan, 'layout' | 'infos' | 'target' | 'timeline' | 'music'>, opts: HandoffOptions): HandoffPlan {
  const { layout } = plan;
  const fps = layout.fps;
  const mode = opts.mode ?? 'native';
  if (mode === 'conformed' && opts.conformed?.length !== layout.spans.length) throw new Error('Conformed hand-off needs one conformed file per clip.');
  const native = layout.spans.map((s, i) => mediaOf(s.file, plan.infos[i] as MediaInfo, s.rate, s.srcFrames));
  const autoDf = native.some((m) => m.dropFrame && m.rate.num * fps.den === fps.num * m.rate.den);
  const dropFrame = canDropFrame(fps) && (opts.dropFrame ?? autoDf);
  const base = timecodeBase(fps);
  const recordStart = (timecodeFrames(dropFrame ? '01:00:00;00' : '01:00:00:00', base) as { frames: number }).frames;

  const clips: HandoffClip[] = layout.spans.map((s, i) => {
    const prev = layout.spans[i - 1];
    let shift = Math.floor(s.fadeIn / 2);
    if (mode === 'native' && s.fadeIn > 0 && prev) {
      // The cut inside a dissolve must land on a frame of both clips: a multiple of both grid steps.
      const l = (prev.step.rec / gcd(prev.step.rec, s.step.rec)) * s.step.rec;
      shift = Math.floor(shift / l) * l;
    }
    if (mode === 'conformed') {
      const c = opts.conformed?.[i] as { file: string; info: MediaInfo };
      const frames = c.info.video?.frames ?? Math.floor((s.srcFrames * gridStep(fps, s.rate).rec) / gridStep(fps, s.rate).src);
      const media = { ...mediaOf(c.file, c.info, fps, frames), tcStart: 0, dropFrame: false };
      return { span: s, label: s.label, media, srcAt: (rec: number) => s.confIn + (rec - s.recIn), edit: s.recIn + shift };
    }
    return { span: s, label: s.label, media: native[i] as HandoffMedia, srcAt: (rec: number) => sourceFrameAt(s, rec, fps), edit: s.recIn + shift };
  });

  const markers = (plan.timeline.markers ?? [])
    .map((m) => ({ id: m.id, frame: Math.round((m.at * fps.num) / fps.den), note: m.note }))
    .filter((m) => m.frame >= 0 && m.frame < layout.totalFrames)
    .sort((a, b) => a.frame - b.frame);
  const music =
    plan.timeline.music && plan.music ? { file: plan.timeline.music.file, name: plan.timeline.music.file.split(/[\\/]/).pop() ?? 'music', info: plan.music, volume: plan.timeline.music.volume } : undefined;
  return {
    title: opts.title,
    mode,
    fps,
    dropFrame,
    width: plan.target.width,
    height: plan.target.height,
    totalFrames: layout.totalFrames,
    recordStart,
    clips,
    markers,
    music,
  };
}

/** The clip on screen at record frame `frame` in the centred-cut view (the last clip whose edit is at or before it). */
export function clipAtFrame(h: HandoffPlan, frame: number): number {
  let idx = 0;
  h.clips.forEach((c, i) => {
    if (c.edit <= frame) idx = i;
  });
  return idx;
}
