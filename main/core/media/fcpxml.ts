/**
 * FCPXML 1.9 of the timeline for Final Cut Pro (Resolve and Premiere import it too): each downloaded clip is an
 * asset whose media-rep points at it with a file:// URL (percent-encoded by Node's pathToFileURL, so spaces, `#`,
 * unicode and even newlines survive), laid on the primary storyline with the same trims and crossfades as the render.
 * FCP centres a transition on its edit point and takes the overlap from the clips' handles, so a crossfade of d
 * frames puts the edit d/2 into the overlap; the sequence lasts exactly as long as the rendered file.
 * All times are whole frames of the export's rate, written as rationals (`48/16s`), as FCPXML requires.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ExportPlan } from './export-plan';
import { toFrames, type FrameRate } from './frame-rate';
import { writeTextOutput } from './place-output';
import type { MediaInfo } from './probe';
import type { ClipSpan } from './timeline-layout';

/** Final Cut Pro's built-in Cross Dissolve. */
export const CROSS_DISSOLVE_UID = 'FxPlug:4731E73A-8DAC-4113-9A30-AE85B1761265';

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

export interface FcpxmlInput {
  title: string;
  plan: Pick<ExportPlan, 'layout' | 'infos' | 'target' | 'timeline' | 'music'>;
}

export function buildFcpxml(input: FcpxmlInput): string {
  const { layout, infos, target, timeline, music } = input.plan;
  const fps = layout.fps;
  const t = (frames: number) => fcpTime(frames, fps);
  const frameDuration = fcpTime(1, fps);

  const resources: string[] = [el('format', { id: 'r1', frameDuration, width: target.width, height: target.height })];
  const formatIds = new Map<string, string>();
  const formatOf = (info: MediaInfo) => {
    const key = `${info.video?.width}x${info.video?.height}`;
    let id = formatIds.get(key);
    if (!id) {
      id = `r${2 + formatIds.size}`;
      formatIds.set(key, id);
      resources.push(el('format', { id, frameDuration, width: info.video?.width, height: info.video?.height }));
    }
    return id;
  };
  // One asset per distinct file: the same clip used twice is one piece of media.
  const assetIds = new Map<string, string>();
  const assets: string[] = [];
  const assetOf = (file: string, name: string, info: MediaInfo) => {
    let id = assetIds.get(file);
    if (!id) {
      id = `a${assetIds.size + 1}`;
      assetIds.set(file, id);
      const hasVideo = info.video !== undefined;
      assets.push(
        el(
          'asset',
          {
            id,
            name,
            start: '0s',
            duration: t(toFrames(info.durationSec, fps)),
            hasVideo: hasVideo ? '1' : '0',
            format: hasVideo ? formatOf(info) : undefined,
            hasAudio: info.audio ? '1' : '0',
            audioSources: info.audio ? '1' : undefined,
            audioChannels: info.audio?.channels,
            audioRate: info.audio?.sampleRate,
          },
          [el('media-rep', { kind: 'original-media', src: pathToFileURL(file).href })],
        ),
      );
    }
    return id;
  };
  const spanAsset = layout.spans.map((s) => assetOf(s.file, s.label, infos[s.index] as MediaInfo));
  const hasDissolve = layout.spans.some((s) => s.fadeIn > 0);
  if (hasDissolve) resources.push(el('effect', { id: 'rx', name: 'Cross Dissolve', uid: CROSS_DISSOLVE_UID }));
  const musicAsset = timeline.music && music ? assetOf(timeline.music.file, path.basename(timeline.music.file), music) : undefined;

  // The edit point of each clip: half-way into the crossfade that leads into it (0 frames into a cut).
  const editIn = (s: ClipSpan) => s.recIn + Math.floor(s.fadeIn / 2);
  const spine: string[] = [];
  layout.spans.forEach((s, i) => {
    const next = layout.spans[i + 1];
    const start = editIn(s);
    const end = next ? editIn(next) : s.recOut;
    if (s.fadeIn > 0) {
      spine.push(
        el('transition', { name: 'Cross Dissolve', offset: t(s.recIn), duration: t(s.fadeIn) }, [el('filter-video', { ref: 'rx', name: 'Cross Dissolve' })]),
      );
    }
    const srcStart = s.srcIn + (start - s.recIn);
    const children: string[] = [];
    if (i === 0 && musicAsset && music && timeline.music) {
      // The bed is connected below the first clip; a connected clip's offset is in its parent's source time.
      const bed = Math.min(layout.totalFrames, toFrames(music.durationSec, fps));
      const db = timeline.music.volume > 0 ? (20 * Math.log10(timeline.music.volume)).toFixed(1) : '-96';
      children.push(
        el('asset-clip', { ref: musicAsset, lane: -1, offset: t(srcStart), name: path.basename(timeline.music.file), start: '0s', duration: t(bed), audioRole: 'music' }, [
          el('adjust-volume', { amount: `${db}dB` }),
        ]),
      );
    }
    spine.push(el('asset-clip', { ref: spanAsset[i], offset: t(start), name: s.label, start: t(srcStart), duration: t(end - start), tcFormat: 'NDF' }, children));
  });

  const sequence = el(
    'sequence',
    { format: 'r1', duration: t(layout.totalFrames), tcStart: '0s', tcFormat: 'NDF', audioLayout: 'stereo', audioRate: '48k' },
    [el('spine', {}, spine)],
  );
  const library = el('library', {}, [el('event', { name: 'venice-batch' }, [el('project', { name: input.title }, [sequence])])]);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE fcpxml>',
    el('fcpxml', { version: '1.9' }, [el('resources', {}, [...resources, ...assets]), library]),
    '',
  ].join('\n');
}

export async function writeFcpxml(plan: ExportPlan, out: string, opts: { overwrite?: boolean; title?: string } = {}): Promise<string> {
  const title = opts.title ?? path.basename(out, path.extname(out));
  return writeTextOutput(out, '.fcpxml', buildFcpxml({ title, plan }), opts.overwrite === true);
}
