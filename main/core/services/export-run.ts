/**
 * The one export path: the app's export jobs and the CLI (a batch or a folder of clips) both render through
 * `runExport` and write hand-off files through `writeHandoff`, so they probe, decide, render, verify and hand off
 * the same way, with the same ETA. Takes a plain media timeline; which clips a batch puts on it (the saved
 * timeline, else each sheet row's first finished take) is decided once, in ExportJobs.mediaTimeline.
 */
import path from 'node:path';
import { writeContactSheet } from '../media/contact-sheet';
import { exportTimeline, planExport, probeTimeline, type ExportOptions, type ExportPlan, type ExportProgress, type ExportReport } from '../media/export';
import { ExportEta } from '../media/export-eta';
import { conformAll, conformReasons, writeHandoffSet, type HandoffKind } from '../media/handoff';
import { encoderSettings, type EncoderSettings } from '../media/presets';
import type { Timeline } from '../media/timeline';
import { freeTarget } from '../queue/output-names';

export interface RunExportOptions extends ExportOptions {
  /** Each progress report with the ETA (seconds, null while unknown) computed from it. */
  onEta?: (p: ExportProgress, etaSec: number | null) => void;
}

export async function runExport(timeline: Timeline, opts: RunExportOptions): Promise<ExportReport> {
  const eta = new ExportEta();
  return exportTimeline(timeline, {
    ...opts,
    onProgress: (p) => {
      const e = eta.update(p);
      opts.onProgress?.(p);
      opts.onEta?.(p, e);
    },
  });
}

export type HandoffFileKind = HandoffKind | 'contact-sheet';

export interface HandoffFile {
  kind: HandoffFileKind;
  media: 'native' | 'conformed';
  fileName: string;
  path: string;
}

export interface HandoffRequest {
  dir: string;
  stem: string;
  title: string;
  kinds: readonly HandoffKind[];
  contactSheet?: boolean;
  /** `auto`: also write a variant referencing conformed media when a clip cannot be cut exactly at its own rate. */
  conformed?: 'auto' | 'always' | 'never';
  encoder?: Partial<EncoderSettings>;
  signal?: AbortSignal;
  onLog?: (line: string) => void;
  /** An already probed plan of the same timeline (the CLI has one). */
  plan?: ExportPlan;
}

export async function writeHandoff(timeline: Timeline, req: HandoffRequest): Promise<{ files: HandoffFile[]; conformReasons: string[] }> {
  const plan = req.plan ?? planExport(await probeTimeline(timeline, req.signal), 'match');
  const files: HandoffFile[] = [];
  const add = (kind: HandoffFileKind, media: 'native' | 'conformed', p: string) => files.push({ kind, media, fileName: path.basename(p), path: p });
  const reasons = conformReasons(plan);
  const mode = req.conformed ?? 'auto';
  if (mode !== 'always') {
    for (const w of await writeHandoffSet(plan, { dir: req.dir, stem: req.stem, title: req.title, kinds: req.kinds, media: 'native' })) add(w.kind, 'native', w.path);
  }
  if (mode === 'always' || (mode === 'auto' && reasons.length)) {
    req.onLog?.(`hand-off: conforming media to ${plan.target.width}x${plan.target.height} because ${reasons.join('; ') || 'asked to'}`);
    const conformed = await conformAll(plan, req.dir, encoderSettings(req.encoder), req.signal, (c) => req.onLog?.(`ffmpeg: ${c}`));
    for (const w of await writeHandoffSet(plan, { dir: req.dir, stem: req.stem, title: req.title, kinds: req.kinds, media: 'conformed', conformed })) add(w.kind, 'conformed', w.path);
  }
  if (req.contactSheet) {
    const sheet = await writeContactSheet(plan, freeTarget(req.dir, `${req.stem}-contact`, '.png'), { signal: req.signal });
    add('contact-sheet', 'native', sheet.output);
  }
  return { files, conformReasons: reasons };
}
