/**
 * FCPXML 1.9 of the timeline for Final Cut Pro (Resolve imports it too): each clip is an asset declared with its OWN
 * format (a 12 fps clip's frameDuration is 1/12s, whatever the timeline's rate) whose media-rep points at it with a
 * file:// URL (percent-encoded by Node's pathToFileURL, so spaces, `#`, unicode and even newlines survive), laid on
 * the primary storyline with the same trims and crossfades as the render. FCP centres a transition on its edit point
 * and takes the overlap from the clips' handles, so a crossfade puts the edit about half-way into the overlap, on a
 * frame of both clips (handoff-plan.ts); each transition carries a video dissolve and an audio crossfade.
 * Offsets and durations are whole frames of the timeline; a clip's start is a whole frame of its own asset, counted
 * from the asset's timecode. The element order follows the FCPXML 1.9 DTD (markers after anchored clips).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ExportPlan } from './export-plan';
import { toFrames, type FrameRate } from './frame-rate';
import { buildHandoffPlan, clipAtFrame, type HandoffMedia, type HandoffOptions, type HandoffPlan } from './handoff-plan';
import { writeTextOutput } from './place-output';

/** Final Cut Pro's built-in Cross Dissolve and Audio Crossfade. */
export const CROSS_DISSOLVE_UID = 'FxPlug:4731E73A-8DAC-4113-9A30-AE85B1761265';
export const AUDIO_CROSSFADE_UID = 'FFAudioTransition';

/** A rational number of seconds in lowest terms, as FCPXML writes time (`1001/30000s`). */
export function fcpSeconds(num: number, den: number): string {
  if (num === 0) return '0s';
  const g = gcd(Math.abs(num), Math.abs(den));
  const n = num / g;
  const d = den / g;
  return d === 1 ? `${n}s` : `${n}/${d}s`;
}

/** a/b + c/d seconds, as a fraction. */
function addTimes(a: [number, number], c: [number, number]): [number, number] {
  return [a[0] * c[1] + c[0] * a[1], a[1] * c[1]];
}

export function fcpTime(frames: number, fps: FrameRate): string {
  if (frames === 0) return '0s';
  const num = frames * fps.den;
  const g = gcd(Math.abs(num), fps.num);
  const n = num / g;
  const d = fps.num / g;
  return d === 1 ? `${n}s` : `${n}/${d}s`;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Attribute text: XML escapes, line breaks as character references, and characters XML 1.0 forbids replaced. */
export function xmlAttr(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;')
    // eslint-disable-next-line no-control-regex -- the characters XML 1.0 cannot carry at all
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd');
}

/** One element; children are indented two spaces (attribute values never hold a raw line break, see xmlAttr). */
function el(name: string, attrs: Record<string, string | number | undefined>, children?: string[]): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('');
  if (!children?.length) return `<${name}${a}/>`;
  return [`<${name}${a}>`, ...children.flatMap((c) => c.split('\n').map((l) => `  ${l}`)), `</${name}>`].join('\n');
}

export function buildFcpxml(h: HandoffPlan): string {
  const fps = h.fps;
  const t = (frames: number) => fcpTime(frames, fps);
  const resources: string[] = [el('format', { id: 'r1', name: formatName(h.height, fps), frameDuration: fcpTime(1, fps), width: h.width, height: h.height })];
  const formatIds = new Map<string, string>();
  const formatOf = (m: HandoffMedia) => {
    const key = `${m.width}x${m.height}@${m.rate.num}/${m.rate.den}`;
    let id = formatIds.get(key);
    if (!id) {
      id = `r${2 + formatIds.size}`;
      formatIds.set(key, id);
      resources.push(el('format', { id, frameDuration: fcpTime(1, m.rate), width: m.width, height: m.height }));
    }
    return id;
  };
  // One asset per distinct file: the same clip used twice is one piece of media.
  const assetIds = new Map<string, string>();
  const assets: string[] = [];
  const assetOf = (m: HandoffMedia, name: string) => {
    let id = assetIds.get(m.file);
    if (!id) {
      id = `a${assetIds.size + 1}`;
      assetIds.set(m.file, id);
      assets.push(
        el(
          'asset',
          {
            id,
            name,
            start: fcpTime(m.tcStart, m.rate),
            duration: fcpTime(m.frames, m.rate),
            hasVideo: '1',
            format: formatOf(m),
            hasAudio: m.hasAudio ? '1' : '0',
            audioSources: m.hasAudio ? '1' : undefined,
            audioChannels: m.hasAudio ? m.audioChannels : undefined,
            audioRate: m.hasAudio ? m.audioRate : undefined,
          },
          [el('media-rep', { kind: 'original-media', src: pathToFileURL(m.file).href })],
        ),
      );
    }
    return id;
  };
  const spanAsset = h.clips.map((c) => assetOf(c.media, path.basename(c.media.file)));
  const hasDissolve = h.clips.some((c) => c.span.fadeIn > 0);
  const effects: string[] = [];
  if (hasDissolve) {
    effects.push(el('effect', { id: 'rx', name: 'Cross Dissolve', uid: CROSS_DISSOLVE_UID }), el('effect', { id: 'ra', name: 'Audio Crossfade', uid: AUDIO_CROSSFADE_UID }));
  }
  let musicAsset: string | undefined;
  if (h.music) {
    musicAsset = 'am';
    const m = h.music.info;
    assets.push(
      el(
        'asset',
        { id: musicAsset, name: h.music.name, start: '0s', duration: t(toFrames(m.durationSec, fps)), hasVideo: '0', hasAudio: '1', audioSources: '1', audioChannels: m.audio?.channels ?? 2, audioRate: m.audio?.sampleRate ?? 48000 },
        [el('media-rep', { kind: 'original-media', src: pathToFileURL(h.music.file).href })],
      ),
    );
  }

  const spine: string[] = [];
  h.clips.forEach((c, i) => {
    const s = c.span;
    const next = h.clips[i + 1];
    const start = c.edit;
    const end = next ? next.edit : s.recOut;
    if (s.fadeIn > 0) {
      spine.push(
        el('transition', { name: 'Cross Dissolve', offset: t(s.recIn), duration: t(s.fadeIn) }, [
          el('filter-video', { ref: 'rx', name: 'Cross Dissolve' }),
          el('filter-audio', { ref: 'ra', name: 'Audio Crossfade' }),
        ]),
      );
    }
    // The clip's start in its asset's own time: a whole frame of the asset, from its timecode.
    const srcStart: [number, number] = [(c.media.tcStart + c.srcAt(start)) * c.media.rate.den, c.media.rate.num];
    const children: string[] = [];
    if (i === 0 && musicAsset && h.music) {
      // The bed is connected below the first clip; a connected clip's offset is in its parent's source time.
      const bed = Math.min(h.totalFrames, toFrames(h.music.info.durationSec, fps));
      const db = h.music.volume > 0 ? (20 * Math.log10(h.music.volume)).toFixed(1) : '-96';
      const at = addTimes(srcStart, [-start * fps.den, fps.num]);
      children.push(
        el('asset-clip', { ref: musicAsset, lane: -1, offset: fcpSeconds(at[0], at[1]), name: h.music.name, start: '0s', duration: t(bed), audioRole: 'music' }, [
          el('adjust-volume', { amount: `${db}dB` }),
        ]),
      );
    }
    for (const m of h.markers) {
      if (clipAtFrame(h, m.frame) !== i) continue;
      const at = addTimes(srcStart, [(m.frame - start) * fps.den, fps.num]);
      children.push(el('marker', { start: fcpSeconds(at[0], at[1]), duration: t(1), value: m.note || 'Marker' }));
    }
    spine.push(
      el(
        'asset-clip',
        {
          ref: spanAsset[i],
          offset: t(start),
          name: c.label,
          start: fcpSeconds(srcStart[0], srcStart[1]),
          duration: t(end - start),
          format: formatOf(c.media),
          tcFormat: c.media.dropFrame ? 'DF' : 'NDF',
        },
        children,
      ),
    );
  });

  const sequence = el(
    'sequence',
    { format: 'r1', duration: t(h.totalFrames), tcStart: t(h.recordStart), tcFormat: h.dropFrame ? 'DF' : 'NDF', audioLayout: 'stereo', audioRate: '48k' },
    [el('spine', {}, spine)],
  );
  const library = el('library', {}, [el('event', { name: 'venice-batch' }, [el('project', { name: h.title }, [sequence])])]);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE fcpxml>',
    el('fcpxml', { version: '1.9' }, [el('resources', {}, [...resources, ...effects, ...assets]), library]),
    '',
  ].join('\n');
}

/** FCP's own format names for the common frames ("FFVideoFormat1080p2398"); other frames get no name. */
function formatName(height: number, fps: FrameRate): string | undefined {
  const rates: Record<string, string> = { '24000/1001': '2398', '24/1': '24', '25/1': '25', '30000/1001': '2997', '30/1': '30', '50/1': '50', '60000/1001': '5994', '60/1': '60' };
  const r = rates[`${fps.num}/${fps.den}`];
  return r && [720, 1080, 2160].includes(height) ? `FFVideoFormat${height}p${r}` : undefined;
}

export function fcpxmlFromPlan(plan: Pick<ExportPlan, 'layout' | 'infos' | 'target' | 'timeline' | 'music'>, opts: HandoffOptions): string {
  return buildFcpxml(buildHandoffPlan(plan, opts));
}

export async function writeFcpxml(plan: ExportPlan, out: string, opts: { overwrite?: boolean; title?: string } & Partial<HandoffOptions> = {}): Promise<string> {
  const title = opts.title ?? path.basename(out, path.extname(out));
  return writeTextOutput(out, '.fcpxml', fcpxmlFromPlan(plan, { ...opts, title }), opts.overwrite === true);
}
