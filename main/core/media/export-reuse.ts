/**
 * Serving a repeat export from the cache (see export-cache.ts): the key needs only the timeline, the preset, the
 * encoder settings and a stat of each input, so a hit is found before any clip is probed. A hit is placed like a
 * fresh render (hard link, never over an existing file unless asked), or not at all when the target already is that
 * very file.
 */
import { copyFile, link } from 'node:fs/promises';
import { exportKey, findCachedExport, isSameFile } from './export-cache';
import type { ExportReport } from './export-report';
import { outputTarget, placeOutput, prepareTarget } from './place-output';
import type { EncoderSettings, PresetName } from './presets';
import type { Timeline } from './timeline';
import { openWorkDir } from './work-dir';

export type CachedReport = Omit<ExportReport, 'output' | 'cached' | 'elapsedMs'>;

export function exportCacheKey(timeline: Timeline, preset: PresetName, encoder: EncoderSettings): Promise<string> {
  const inputs = [...timeline.clips.map((c) => c.file), ...(timeline.music ? [timeline.music.file] : [])];
  return exportKey({ timeline, preset, encoder }, inputs);
}

/** The cached export for `key` placed at `out`, or undefined when there is none to reuse. */
export async function reuseCachedExport(cacheDir: string, key: string, out: string, overwrite: boolean): Promise<{ report: CachedReport; target: string; from: string } | undefined> {
  const hit = await findCachedExport<CachedReport>(cacheDir, key);
  if (!hit) return undefined;
  const planned = outputTarget(out, '.mp4');
  // The earlier export itself (or a hard link of it) already sits at the target, untouched: nothing to write.
  if (await isSameFile(planned.target, hit.output)) return { report: hit.report, target: planned.target, from: hit.output.path };
  const { dir, target } = await prepareTarget(out, '.mp4', overwrite);
  const work = await openWorkDir(dir);
  try {
    const temp = work.file('out.mp4');
    await link(hit.output.path, temp).catch(() => copyFile(hit.output.path, temp));
    await placeOutput(temp, target, overwrite);
  } finally {
    await work.remove();
  }
  return { report: hit.report, target, from: hit.output.path };
}
