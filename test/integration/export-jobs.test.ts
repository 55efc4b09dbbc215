/* eslint-disable @typescript-eslint/no-explicit-any -- results are read back as a window would */
/**
 * Exports through the contract on a real finished Rehearsal batch, with real ffmpeg: progress events to a verified
 * file in the batch's exports/ folder, a taken name refused then replaced on request, one export per batch, a
 * cancel that leaves nothing behind, the hand-off files, and the start-up sweep of abandoned work folders.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useMediaBinaries } from '../../main/core/media/ffmpeg-binaries';
import { WORK_DIR_PREFIX } from '../../main/core/media/work-dir';
import type { AppEvent } from '../../main/core/services/app-events';
import { outgoingEvent } from '../../main/handlers';
import { finishedBatch, openApp, tempRoot, until, type AppWithBatch } from '../support/app-batch';
import { fcpxmlDtdProblems } from '../support/fcpxml-dtd';
import { readEdl, readFcpxml, readOtio, readXmeml } from '../support/handoff-readers';

let root: string;
let a: AppWithBatch;
let batchId: number;
let exportsDir: string;
const events: AppEvent[] = [];

function listen(app: AppWithBatch): void {
  app.app.on((e) => events.push(e));
}

const progressOf = (jobId: string) => events.filter((e): e is Extract<AppEvent, { name: 'export:progress' }> => e.name === 'export:progress' && e.payload.jobId === jobId).map((e) => e.payload);

async function finished(jobId: string): Promise<any> {
  await until(() => progressOf(jobId).some((p) => p.state !== 'running'), 'the export to end', 120_000);
  return (await a.call('export:status', { batchId })).value;
}

function duration(file: string): number {
  const out = execFileSync(useMediaBinaries().ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  return Number(out.trim());
}

beforeAll(async () => {
  root = tempRoot('vb-export-');
  a = await openApp(root);
  listen(a);
  batchId = await finishedBatch(a, ['Opening', 'Market', 'Closing']);
  exportsDir = path.join((await a.call('batch:get', { batchId })).value.batch.outputDir, 'exports');
}, 120_000);

afterAll(async () => {
  await a?.app.close();
  rmSync(root, { recursive: true, force: true });
});

describe('export jobs', () => {
  it('exports the timeline with progress events to a verified file in exports/', async () => {
    const t = (await a.call('timeline:get', { batchId })).value;
    expect(t.clips).toHaveLength(3);
    const started = await a.call('export:start', { batchId, preset: 'match', fileName: 'night cut' });
    expect(started).toMatchObject({ ok: true, value: { state: 'running', fileName: 'night cut.mp4', batchId } });
    const job = await finished(started.value.jobId);
    expect(job).toMatchObject({ state: 'done', phase: 'done', fraction: 1, message: null });
    expect(job.output).toBe(path.join(exportsDir, 'night cut.mp4'));
    const sum = t.bin.reduce((s: number, b: any) => s + b.durationSec, 0);
    expect(Math.abs(duration(job.output) - sum)).toBeLessThan(0.1);
    expect(job.durationSec).toBeCloseTo(duration(job.output), 1);
    const phases = progressOf(job.jobId).map((p) => p.phase);
    expect(phases[0]).toBe('probe');
    expect(phases.at(-1)).toBe('done');
    // Every event fits the contract, so the transports forward it.
    for (const p of progressOf(job.jobId)) expect(outgoingEvent('export:progress', p)).toBeDefined();
    // The ffmpeg command line goes to the log in the data folder, never into the events.
    const log = readFileSync(path.join(a.app.opts.dataDir, 'logs', `export-batch-${batchId}.log`), 'utf8');
    expect(log).toMatch(/ffmpeg/);
    expect(JSON.stringify(progressOf(job.jobId))).not.toMatch(/ffmpeg/);
    expect(readdirSync(exportsDir).filter((n) => n.startsWith(WORK_DIR_PREFIX))).toEqual([]);
  }, 120_000);

  it('refuses an existing file until asked to replace it', async () => {
    const refused = await a.call('export:start', { batchId, preset: 'match', fileName: 'night cut.mp4' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(refused.error?.message).toMatch(/night cut\.mp4 already exists.*Replace/);
    const t = (await a.call('timeline:get', { batchId })).value;
    await a.call('timeline:save', { batchId, clips: [t.clips[0], { ...t.clips[1], transitionIn: { kind: 'crossfade', durationSec: 0.4 } }], music: null });
    const replaced = await a.call('export:start', { batchId, preset: '720p', fileName: 'night cut.mp4', overwrite: true });
    expect(replaced.ok).toBe(true);
    const job = await finished(replaced.value.jobId);
    expect(job).toMatchObject({ state: 'done', path: 'conform' });
    const expected = t.bin[0].durationSec + t.bin[1].durationSec - 0.4;
    expect(Math.abs(duration(job.output) - expected)).toBeLessThan(0.1);
  }, 120_000);

  it('runs one export per batch, and a cancel leaves no file and no work folder', async () => {
    const started = await a.call('export:start', { batchId, preset: '1080p', fileName: 'cancelled' });
    expect(started.ok).toBe(true);
    const second = await a.call('export:start', { batchId, preset: 'match', fileName: 'other' });
    expect(second).toMatchObject({ ok: false, error: { code: 'busy' } });
    const cancelled = await a.call('export:cancel', { jobId: started.value.jobId });
    expect(cancelled).toMatchObject({ ok: true, value: { state: 'cancelled' } });
    expect(existsSync(path.join(exportsDir, 'cancelled.mp4'))).toBe(false);
    expect(readdirSync(exportsDir).filter((n) => n.startsWith(WORK_DIR_PREFIX) || n.startsWith('cancelled'))).toEqual([]);
    expect((await a.call('export:status', { batchId })).value).toMatchObject({ jobId: started.value.jobId, state: 'cancelled' });
  }, 120_000);

  it('writes an EDL, an FCPXML, an FCP 7 XML, an OTIO and a contact sheet without overwriting earlier ones', async () => {
    const first = await a.call('export:handoff', { batchId });
    expect(first.ok).toBe(true);
    const native = first.value.files.filter((f: any) => f.media === 'native');
    expect(native.map((f: any) => f.kind).sort()).toEqual(['contact-sheet', 'edl', 'fcpxml', 'otio', 'xmeml']);
    const byKind = Object.fromEntries(native.map((f: any) => [f.kind, f.path]));
    // Read back by the independent reader: the saved timeline, in each format alike.
    const fcp = readFcpxml(readFileSync(byKind.fcpxml, 'utf8'));
    expect(fcpxmlDtdProblems(fcp.root)).toEqual([]);
    const saved = (await a.call('timeline:get', { batchId })).value;
    expect(fcp.clips.map((c) => c.fadeIn > 0)).toEqual(saved.clips.map((c: any, i: number) => i > 0 && c.transitionIn.kind === 'crossfade'));
    const xm = readXmeml(readFileSync(byKind.xmeml, 'utf8'));
    const ot = readOtio(readFileSync(byKind.otio, 'utf8'));
    const shape = (c: any) => c.clips.map((x: any) => [x.file, x.recIn, x.recOut, x.srcIn, x.srcOut]);
    expect(shape(xm)).toEqual(shape(fcp));
    expect(shape(ot)).toEqual(shape(fcp));
    const edl = readEdl(readFileSync(byKind.edl, 'utf8'), fcp.rate, (file) => {
      const c = fcp.clips.find((x) => x.file === file);
      if (!c) throw new Error(`unknown ${file}`);
      return { rate: c.rate };
    });
    expect(shape(edl)).toEqual(shape(fcp));
    expect(readFileSync(byKind['contact-sheet']).subarray(1, 4).toString()).toBe('PNG');
    // Clips at rates without timecode come with media conformed to the timeline, and files that use it.
    const conformed = first.value.files.filter((f: any) => f.media === 'conformed');
    expect(conformed.length > 0).toBe(first.value.conformReasons.length > 0);
    const second = await a.call('export:handoff', { batchId });
    const names = second.value.files.filter((f: any) => f.media === 'native').map((f: any) => f.fileName);
    expect(names.every((n: string) => / \(2\)/.test(n))).toBe(true);
    for (const p of Object.values(byKind)) expect(existsSync(p as string)).toBe(true);
  }, 180_000);

  it('carries the timeline\'s markers into every hand-off file, at their frames', async () => {
    const t = (await a.call('timeline:get', { batchId })).value;
    const saved = await a.call('timeline:save', {
      batchId,
      clips: t.clips,
      music: null,
      markers: [
        { id: 'm1', at: 0.5, note: 'Logo here' },
        { id: 'm2', at: 1.25, note: 'Cut on the beat' },
      ],
    });
    expect(saved.ok).toBe(true);
    const r = await a.call('export:handoff', { batchId });
    const byKind = Object.fromEntries(r.value.files.filter((f: any) => f.media === 'native').map((f: any) => [f.kind, f.path]));
    const fcp = readFcpxml(readFileSync(byKind.fcpxml, 'utf8'));
    expect(fcpxmlDtdProblems(fcp.root)).toEqual([]);
    const fps = fcp.rate.num / fcp.rate.den;
    const want = [Math.round(0.5 * fps), Math.round(1.25 * fps)];
    const rateOf = (file: string) => fcp.clips.find((c) => c.file === file)?.rate ?? fcp.rate;
    for (const cut of [fcp, readXmeml(readFileSync(byKind.xmeml, 'utf8')), readOtio(readFileSync(byKind.otio, 'utf8')), readEdl(readFileSync(byKind.edl, 'utf8'), fcp.rate, (f) => ({ rate: rateOf(f) }))]) {
      expect(cut.markers.map((m) => m.frame)).toEqual(want);
      expect(cut.markers.map((m) => m.note)).toEqual(['Logo here', 'Cut on the beat']);
    }
  }, 120_000);

  it('sweeps work folders a killed export left behind when the app starts', async () => {
    const planted = [path.join(exportsDir, `${WORK_DIR_PREFIX}killed`), path.join(path.dirname(exportsDir), `${WORK_DIR_PREFIX}older`)];
    for (const p of planted) {
      mkdirSync(p, { recursive: true });
      writeFileSync(path.join(p, 'in-000.mp4'), 'partial');
    }
    await a.app.close();
    a = await openApp(root);
    for (const p of planted) expect(existsSync(p)).toBe(false);
    expect(existsSync(path.join(exportsDir, 'night cut.mp4'))).toBe(true);
  }, 60_000);
});
