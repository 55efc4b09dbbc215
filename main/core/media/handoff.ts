/**
 * Writes the hand-off files of an export plan (EDL, FCPXML, FCP 7 XML, OTIO) under free names in one folder, from
 * one HandoffPlan. Clips that a suite cannot cut frame-accurately at their own rate (no SMPTE timecode at that
 * rate, or no frame grid shared with the timeline) make the hand-off also offer a conformed variant: the same
 * files, suffixed " (conformed)", referencing media conformed to the timeline's rate and frame (handoff-media.ts).
 */
import path from 'node:path';
import { buildEdl } from './edl';
import type { ExportPlan } from './export-plan';
import { buildFcpxml } from './fcpxml';
import { throwIfCancelled } from './ffmpeg-run';
import { fpsValue, type FrameRate } from './frame-rate';

const fpsText = (r: FrameRate) => String(Number(fpsValue(r).toFixed(3)));
import { CONFORMED_DIR, conformedMediaFor, type ConformedMedia } from './handoff-media';
import { buildHandoffPlan, type HandoffMediaMode, type HandoffPlan } from './handoff-plan';
import { buildOtio } from './otio';
import { writeTextOutput } from './place-output';
import type { EncoderSettings } from './presets';
import { hasStandardTimecode } from './timecode';
import { buildXmeml } from './xmeml';
import { freeTarget } from '../queue/output-names';

export const HANDOFF_KINDS = ['edl', 'fcpxml', 'xmeml', 'otio'] as const;
export type HandoffKind = (typeof HANDOFF_KINDS)[number];

const EXT: Record<HandoffKind, string> = { edl: '.edl', fcpxml: '.fcpxml', xmeml: '.xml', otio: '.otio' };
const BUILD: Record<HandoffKind, (h: HandoffPlan) => string> = { edl: buildEdl, fcpxml: buildFcpxml, xmeml: buildXmeml, otio: buildOtio };

export function handoffText(kind: HandoffKind, h: HandoffPlan): string {
  return BUILD[kind](h);
}

export function handoffExt(kind: HandoffKind): string {
  return EXT[kind];
}

/** Why each clip needs conformed media in a suite, in words; empty when every clip cuts exactly at its own rate. */
export function conformReasons(plan: Pick<ExportPlan, 'layout'>): string[] {
  const out: string[] = [];
  for (const s of plan.layout.spans) {
    const rate = `${fpsText(s.rate)} fps`;
    if (!hasStandardTimecode(s.rate)) out.push(`clip ${s.index + 1} (${s.label}) is ${rate}, which has no timecode in editing suites`);
    else if (!s.exact) out.push(`clip ${s.index + 1} (${s.label}) is ${rate}, which shares no frame grid with the ${fpsText(plan.layout.fps)} fps timeline`);
  }
  return out;
}

export interface ConformedSet {
  media: ConformedMedia[];
  dir: string;
}

/** Conformed media for every clip of the plan, reused when already written for this source and target. */
export async function conformAll(plan: ExportPlan, dir: string, encoder: EncoderSettings, signal?: AbortSignal, onCommand?: (c: string) => void): Promise<ConformedSet> {
  const folder = path.join(dir, CONFORMED_DIR);
  const media: ConformedMedia[] = [];
  for (const [i, s] of plan.layout.spans.entries()) {
    throwIfCancelled(signal);
    media.push(await conformedMediaFor(s.file, plan.infos[i]?.audio !== undefined, plan.target, encoder, folder, { signal, onCommand }));
  }
  return { media, dir: folder };
}

export interface WrittenHandoff {
  kind: HandoffKind;
  media: HandoffMediaMode;
  path: string;
}

/** Writes `kinds` under free names `<stem><ext>` (and `<stem> (conformed)<ext>` for the conformed variant). */
export async function writeHandoffSet(
  plan: ExportPlan,
  opts: { dir: string; stem: string; title: string; kinds: readonly HandoffKind[]; media: HandoffMediaMode; conformed?: ConformedSet },
): Promise<WrittenHandoff[]> {
  const h = buildHandoffPlan(plan, {
    title: opts.title,
    mode: opts.media,
    conformed: opts.conformed?.media.map((m) => ({ file: m.file, info: m.info })),
  });
  const stem = opts.media === 'conformed' ? `${opts.stem} (conformed)` : opts.stem;
  const out: WrittenHandoff[] = [];
  for (const kind of opts.kinds) {
    const target = freeTarget(opts.dir, stem, EXT[kind]);
    out.push({ kind, media: opts.media, path: await writeTextOutput(target, EXT[kind], BUILD[kind](h), false) });
  }
  return out;
}
