/**
 * The conform path's filter graph, as a pure function of the layout. Each clip is trimmed, put on the export's
 * frame grid (constant fps), scaled and padded into the target frame, yuv420p, and its audio made 48 kHz stereo
 * (silence from anullsrc when it has none); both are cut or padded to exactly the clip's frame count, so video and
 * audio stay in step across fifty clips. Clips joined by cuts are concatenated; runs meet in xfade/acrossfade at the
 * offsets the layout computed from the real probed durations. An optional music bed is mixed under with a fade out.
 */
import { fpsValue, framesToSec, rateText, secText, timeBaseText } from './frame-rate';
import type { ExportTarget } from './presets';
import { spanFrames, spanSourceSec, type ClipSpan, type TimelineLayout } from './timeline-layout';

export interface ConformMusic {
  inputIndex: number;
  /** The music file's probed duration. */
  durationSec: number;
  volume: number;
  fadeOutSec: number;
}

export interface ConformGraphInput {
  layout: TimelineLayout;
  target: ExportTarget;
  /** Per clip: whether its source has an audio stream. Input i of ffmpeg is clip i. */
  hasAudio: readonly boolean[];
  music?: ConformMusic;
}

const AUDIO_FORMAT = 'aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo';

function clipChains(span: ClipSpan, i: number, input: ConformGraphInput): string[] {
  const { layout, target } = input;
  const fps = layout.fps;
  const frames = spanFrames(span);
  const src = spanSourceSec(span, fps);
  const start = secText(src.start);
  const dur = secText(src.duration);
  const { width: w, height: h } = target;
  // Scaled on the clip's own frames (fewer than the timeline's when it is slower), then resampled to the timeline's
  // rate from its first frame and cut by frame number: the same frames conformed hand-off media holds (see
  // timeline-layout.ts). Padding by a second of cloned frames, then cutting to the exact count, makes every clip
  // exactly its frame count even when the source's video stream is a frame shorter than its container says.
  const video =
    `[${i}:v:0]setpts=PTS-STARTPTS,scale=${w}:${h}:force_original_aspect_ratio=decrease:force_divisible_by=2,` +
    `pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,format=yuv420p,fps=${rateText(fps)},` +
    `trim=start_frame=${span.confIn}:end_frame=${span.confIn + frames},setpts=PTS-STARTPTS,` +
    `tpad=stop_mode=clone:stop_duration=1,trim=end_frame=${frames},setpts=PTS-STARTPTS[v${i}]`;
  const audio = input.hasAudio[i]
    ? `[${i}:a:0]asetpts=PTS-STARTPTS,atrim=start=${start}:duration=${dur},asetpts=PTS-STARTPTS,aresample=48000,${AUDIO_FORMAT},` +
      `apad=whole_dur=${dur},atrim=duration=${dur},asetpts=PTS-STARTPTS[a${i}]`
    : `anullsrc=r=48000:cl=stereo,atrim=duration=${dur},${AUDIO_FORMAT}[a${i}]`;
  return [video, audio];
}

/** Splits the clips into runs joined by cuts; a crossfade starts a new run. */
export function runsOf(spans: readonly ClipSpan[]): ClipSpan[][] {
  const runs: ClipSpan[][] = [];
  for (const s of spans) {
    const last = runs[runs.length - 1];
    if (!last || s.fadeIn > 0) runs.push([s]);
    else last.push(s);
  }
  return runs;
}

export function conformFilterGraph(input: ConformGraphInput): string {
  const { layout } = input;
  const fps = layout.fps;
  const parts: string[] = [];
  layout.spans.forEach((s, i) => parts.push(...clipChains(s, i, input)));

  // Every run leaves with the same time base: xfade refuses inputs whose time bases differ, and concat's output
  // has its own.
  const runs = runsOf(layout.spans);
  runs.forEach((run, r) => {
    const v = run.map((s) => `[v${s.index}][a${s.index}]`).join('');
    parts.push(`${v}concat=n=${run.length}:v=1:a=1[cv${r}][ra${r}]`, `[cv${r}]settb=${timeBaseText(fps)}[rv${r}]`);
  });

  let accV = 'rv0';
  let accA = 'ra0';
  runs.forEach((run, r) => {
    if (r === 0) return;
    const head = run[0] as ClipSpan;
    const offset = secText(framesToSec(head.recIn, fps));
    const d = secText(framesToSec(head.fadeIn, fps));
    parts.push(`[${accV}][rv${r}]xfade=transition=fade:duration=${d}:offset=${offset}[xv${r}]`);
    parts.push(`[${accA}][ra${r}]acrossfade=d=${d}:c1=tri:c2=tri[xa${r}]`);
    accV = `xv${r}`;
    accA = `xa${r}`;
  });

  parts.push(`[${accV}]null[vout]`);
  const m = input.music;
  if (!m) {
    parts.push(`[${accA}]anull[aout]`);
  } else {
    const total = framesToSec(layout.totalFrames, fps);
    const bedEnd = Math.min(total, m.durationSec);
    const fadeStart = Math.max(0, bedEnd - m.fadeOutSec);
    const fadeLen = bedEnd - fadeStart;
    parts.push(
      `[${m.inputIndex}:a:0]aresample=48000,${AUDIO_FORMAT},atrim=duration=${secText(bedEnd)},asetpts=PTS-STARTPTS,volume=${secText(m.volume)},` +
        `afade=t=out:st=${secText(fadeStart)}:d=${secText(Math.max(0.001, fadeLen))}[mus]`,
      // normalize=0: the clips keep their own level; the bed's level is its volume.
      `[${accA}][mus]amix=inputs=2:duration=first:dropout_transition=0:normalize=0[aout]`,
    );
  }
  return parts.join(';');
}

/** Everything after the inputs: maps, H.264 + AAC settings, the output name. */
export function conformOutputArgs(target: ExportTarget, encoder: { x264Preset: string; crf: number; audioBitrateK: number }, outName: string): string[] {
  return [
    '-map', '[vout]', '-map', '[aout]',
    '-c:v', 'libx264', '-preset', encoder.x264Preset, '-crf', String(encoder.crf), '-pix_fmt', 'yuv420p',
    '-r', rateText(target.fps), '-g', String(Math.max(1, Math.round(fpsValue(target.fps) * 2))),
    '-c:a', 'aac', '-b:a', `${encoder.audioBitrateK}k`, '-ar', '48000', '-ac', '2',
    '-movflags', '+faststart', '-f', 'mp4', '-y', outName,
  ];
}
