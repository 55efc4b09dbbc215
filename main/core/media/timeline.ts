/**
 * The timeline an editor builds from finished clips: clips in order, each with in/out trims and the transition that
 * leads into it, plus an optional music bed. Pure data and zod: the renderer, the store and the exporter share it,
 * and nothing here touches the disk (durations come from probing, in timeline-layout.ts).
 */
import { z } from 'zod';
import type { KnownProbe } from './media-info';

/** Longest crossfade offered: longer than that is a different edit, not a transition. */
export const MAX_CROSSFADE_SEC = 10;

export const TransitionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cut') }),
  z.object({ kind: z.literal('crossfade'), durationSec: z.number().positive().max(MAX_CROSSFADE_SEC) }),
]);
export type Transition = z.output<typeof TransitionSchema>;

export const TimelineClipSchema = z
  .object({
    /** Stable across reorders (the row id for batch clips), so UI state can follow a clip. */
    id: z.string().min(1),
    /** Absolute path of the downloaded clip. */
    file: z.string().min(1),
    /** What editors see (row name); the file name when absent. */
    label: z.string().optional(),
    /** Trim in, seconds from the start of the source. */
    inSec: z.number().min(0).default(0),
    /** Trim out, seconds from the start of the source; absent = to the end of the clip. */
    outSec: z.number().positive().optional(),
    /**
     * The transition from the previous clip into this one. Kept on the incoming clip (not in a separate list of
     * cuts) so reordering clips carries their transitions along and no list can fall out of step. Ignored on the
     * first clip.
     */
    transitionIn: TransitionSchema.default({ kind: 'cut' }),
    /**
     * The probe taken when the clip was verified at download, with the identity of the file it describes
     * (media-info.ts): trusted while the file is unchanged, so a batch's clips are not probed again.
     */
    knownProbe: z.custom<KnownProbe>((v) => typeof v === 'object' && v !== null && 'info' in v && 'ino' in v).optional(),
  })
  .refine((c) => c.outSec === undefined || c.outSec > c.inSec, { message: 'The out point must come after the in point', path: ['outSec'] });
export type TimelineClip = z.output<typeof TimelineClipSchema>;

export const MusicBedSchema = z.object({
  /** Absolute path of a WAV/MP3 (anything ffmpeg reads). */
  file: z.string().min(1),
  /** Gain applied to the music; the clips' own audio stays at 1. */
  volume: z.number().min(0).max(2).default(0.5),
  /** The music fades out over this many seconds before the end of the sequence (or of the music). */
  fadeOutSec: z.number().min(0).max(30).default(3),
});
export type MusicBed = z.output<typeof MusicBedSchema>;

/** A note at a moment of the timeline (seconds on the record side), carried into every hand-off file. */
export const MarkerSchema = z.object({
  id: z.string().min(1),
  at: z.number().min(0),
  note: z.string().max(2000),
});
export type Marker = z.output<typeof MarkerSchema>;

export const TimelineSchema = z.object({
  version: z.literal(1).default(1),
  clips: z.array(TimelineClipSchema).min(1, 'The timeline has no clips'),
  music: MusicBedSchema.optional(),
  markers: z.array(MarkerSchema).default([]),
});
export type Timeline = z.output<typeof TimelineSchema>;
export type TimelineInput = z.input<typeof TimelineSchema>;

export function parseTimeline(input: unknown): Timeline {
  return TimelineSchema.parse(input);
}

/**
 * `cut`, `crossfade` (0.5 s) or `crossfade=0.75`: the CLI's --transition and any other text entry.
 * Returns undefined for anything else so the caller can word its own usage message.
 */
export function parseTransition(text: string): Transition | undefined {
  const m = /^\s*(cut|crossfade|dissolve)\s*(?:=\s*(\d+(?:\.\d+)?)\s*s?)?\s*$/i.exec(text);
  if (!m) return undefined;
  if (m[1]?.toLowerCase() === 'cut') return m[2] === undefined ? { kind: 'cut' } : undefined;
  const parsed = TransitionSchema.safeParse({ kind: 'crossfade', durationSec: m[2] === undefined ? 0.5 : Number(m[2]) });
  return parsed.success ? parsed.data : undefined;
}

/** The same transition on every cut (the CLI's --transition). */
export function withTransitionEverywhere(timeline: Timeline, transition: Transition): Timeline {
  return { ...timeline, clips: timeline.clips.map((c, i) => ({ ...c, transitionIn: i === 0 ? { kind: 'cut' } : transition })) };
}

/** True when any clip is trimmed at either end (relative to a known source duration, within half a frame). */
export function isTrimmed(clip: TimelineClip, sourceDurationSec: number, halfFrameSec: number): boolean {
  return clip.inSec > halfFrameSec || (clip.outSec !== undefined && clip.outSec < sourceDurationSec - halfFrameSec);
}

export function hasCrossfades(timeline: Timeline): boolean {
  return timeline.clips.some((c, i) => i > 0 && c.transitionIn.kind === 'crossfade');
}
