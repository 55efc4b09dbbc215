/**
 * Final Cut Pro 7 XML (xmeml version 4), the interchange Premiere Pro imports directly (it does not read FCPXML):
 * one sequence with a video track and, for clips that have sound, an audio track, each clip a `clipitem` whose file
 * is referenced by a `file://localhost/...` URL. A clipitem's `start`/`end` are frames of the sequence (timeline
 * rate); its `in`/`out` are frames of its own `rate` (the clip's own, as its file's), from the media's first frame.
 * Crossfades are `transitionitem`s (Cross Dissolve / Cross Fade (+3dB)) over the overlap, centred on the cut as in
 * FCPXML (handoff-plan.ts). Markers are the sequence's own `marker` elements.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ExportPlan } from './export-plan';
import { xmlAttr } from './fcpxml';
import type { FrameRate } from './frame-rate';
import { buildHandoffPlan, type HandoffClip, type HandoffMedia, type HandoffOptions, type HandoffPlan } from './handoff-plan';
import { writeTextOutput } from './place-output';
import { timecodeBase, timecodeLabel } from './timecode';

type Node = string;

/** An element with text content or child elements (text is escaped; children are already XML). */
function x(name: string, content: string | number | Node[], attrs: Record<string, string> = {}): Node {
  const a = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${xmlAttr(v)}"`)
    .join('');
  if (Array.isArray(content)) return [`<${name}${a}>`, ...content.flatMap((c) => c.split('\n').map((l) => `  ${l}`)), `</${name}>`].join('\n');
  return `<${name}${a}>${xmlAttr(String(content))}</${name}>`;
}

function rateEl(r: FrameRate): Node {
  return x('rate', [x('timebase', timecodeBase(r)), x('ntsc', r.den === 1001 ? 'TRUE' : 'FALSE')]);
}

function timecodeEl(frames: number, r: FrameRate, dropFrame: boolean): Node {
  return x('timecode', [rateEl(r), x('string', timecodeLabel(frames, timecodeBase(r), dropFrame)), x('frame', frames), x('displayformat', dropFrame ? 'DF' : 'NDF')]);
}

/** `file://localhost/abs/path`, percent-encoded: the form Final Cut 7 and Premiere write. */
export function xmemlPathUrl(file: string): string {
  return pathToFileURL(file).href.replace(/^file:\/\//, 'file://localhost');
}

function videoCharacteristics(width: number, height: number, r: FrameRate): Node {
  return x('samplecharacteristics', [rateEl(r), x('width', width), x('height', height), x('anamorphic', 'FALSE'), x('pixelaspectratio', 'square'), x('fielddominance', 'none')]);
}

export function buildXmeml(h: HandoffPlan): string {
  const fileIds = new Map<string, string>();
  const fileRef = (m: HandoffMedia): Node => {
    const known = fileIds.get(m.file);
    // The first reference describes the file; later ones name it only.
    if (known) return `<file id="${known}"/>`;
    const id = `file-${fileIds.size + 1}`;
    fileIds.set(m.file, id);
    const media = [x('video', [videoCharacteristics(m.width, m.height, m.rate)])];
    if (m.hasAudio) media.push(x('audio', [x('samplecharacteristics', [x('depth', 16), x('samplerate', m.audioRate)]), x('channelcount', m.audioChannels)]));
    return x(
      'file',
      [x('name', path.basename(m.file)), x('pathurl', xmemlPathUrl(m.file)), rateEl(m.rate), x('duration', m.frames), timecodeEl(m.tcStart, m.rate, m.dropFrame), x('media', media)],
      { id },
    );
  };
  const clipItem = (c: HandoffClip, i: number, kind: 'video' | 'audio'): Node => {
    const next = h.clips[i + 1];
    const start = c.edit;
    const end = next ? next.edit : c.span.recOut;
    const items = [
      x('name', c.label),
      x('enabled', 'TRUE'),
      x('duration', c.media.frames),
      rateEl(c.media.rate),
      x('start', start),
      x('end', end),
      x('in', c.srcAt(start)),
      x('out', c.srcAt(end)),
      fileRef(c.media),
    ];
    if (kind === 'audio') items.push(x('sourcetrack', [x('mediatype', 'audio'), x('trackindex', 1)]));
    return x('clipitem', items, { id: `clipitem-${kind === 'video' ? 'v' : 'a'}${i + 1}` });
  };
  const transition = (c: HandoffClip, kind: 'video' | 'audio'): Node =>
    x('transitionitem', [
      x('start', c.span.recIn),
      x('end', c.span.recIn + c.span.fadeIn),
      // Centred on the cut when the overlap splits evenly; otherwise start/end above still place it exactly.
      x('alignment', c.edit === c.span.recIn ? 'start' : 'center'),
      rateEl(h.fps),
      x(
        'effect',
        kind === 'video'
          ? [x('name', 'Cross Dissolve'), x('effectid', 'Cross Dissolve'), x('effectcategory', 'Dissolve'), x('effecttype', 'transition'), x('mediatype', 'video')]
          : [x('name', 'Cross Fade (+3dB)'), x('effectid', 'KGAudioTransCrossFade3dB'), x('effecttype', 'transition'), x('mediatype', 'audio')],
      ),
    ]);

  const video: Node[] = [];
  const audio: Node[] = [];
  h.clips.forEach((c, i) => {
    const prev = h.clips[i - 1];
    if (c.span.fadeIn > 0) video.push(transition(c, 'video'));
    video.push(clipItem(c, i, 'video'));
    if (c.media.hasAudio) {
      if (c.span.fadeIn > 0 && prev?.media.hasAudio) audio.push(transition(c, 'audio'));
      audio.push(clipItem(c, i, 'audio'));
    }
  });
  const markers = h.markers.map((m) => x('marker', [x('comment', m.note), x('name', m.note || 'Marker'), x('in', m.frame), x('out', -1)]));
  const sequence = x(
    'sequence',
    [
      x('name', h.title),
      x('duration', h.totalFrames),
      rateEl(h.fps),
      timecodeEl(h.recordStart, h.fps, h.dropFrame),
      x('in', -1),
      x('out', -1),
      x('media', [
        x('video', [x('format', [videoCharacteristics(h.width, h.height, h.fps)]), x('track', video)]),
        x('audio', [x('format', [x('samplecharacteristics', [x('depth', 16), x('samplerate', 48000)])]), x('track', audio)]),
      ]),
      ...markers,
    ],
    { id: 'sequence-1' },
  );
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<!DOCTYPE xmeml>', x('xmeml', [sequence], { version: '4' }), ''].join('\n');
}

export function xmemlFromPlan(plan: Pick<ExportPlan, 'layout' | 'infos' | 'target' | 'timeline' | 'music'>, opts: HandoffOptions): string {
  return buildXmeml(buildHandoffPlan(plan, opts));
}

export async function writeXmeml(plan: ExportPlan, out: string, opts: { overwrite?: boolean; title?: string } & Partial<HandoffOptions> = {}): Promise<string> {
  const title = opts.title ?? path.basename(out, path.extname(out));
  return writeTextOutput(out, '.xml', xmemlFromPlan(plan, { ...opts, title }), opts.overwrite === true);
}
