/**
 * What a simulated clip looks like, as pure functions: its frame size, the caption burned into it and the ffmpeg
 * argument list. Cheap by design (a lavfi test pattern, ultrafast x264, a low frame rate) but honest where the
 * product checks: the requested duration, the requested size and aspect, H.264 yuv420p, AAC audio only when asked.
 */
import { existsSync } from 'node:fs';

export const DEFAULT_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

export interface FrameSize {
  width: number;
  height: number;
}

const even = (n: number) => Math.ceil(n / 2) * 2;

/** 480p 16:9 -> 854x480, 9:16 -> 480x854, 1:1 -> 480x480; 720p 16:9 -> 1280x720. No aspect ratio: 16:9. */
export function frameSize(resolution: string, aspectRatio: string | null): FrameSize {
  const short = Number.parseInt(resolution, 10) || 720;
  const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(aspectRatio ?? '16:9');
  const w = m ? Number(m[1]) : 16;
  const h = m ? Number(m[2]) : 9;
  if (w >= h) return { width: even((short * w) / h), height: even(short) };
  return { width: even(short), height: even((short * h) / w) };
}

export function fontSizeFor(size: FrameSize): number {
  return Math.max(12, Math.round(Math.min(size.width, size.height) / 20));
}

/**
 * Word-wraps text into at most `maxLines` lines of `perLine` characters, breaking over-long words and ending with
 * an ellipsis when it does not fit. Control characters become spaces: drawtext would print them as boxes.
 */
export function wrapText(text: string, perLine: number, maxLines: number): string[] {
  const words = text.replace(/\p{Cc}/gu, ' ').split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  const push = () => {
    lines.push(line);
    line = '';
  };
  for (let word of words) {
    while (word.length > perLine) {
      if (line) push();
      lines.push(word.slice(0, perLine));
      word = word.slice(perLine);
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= perLine) line += ` ${word}`;
    else {
      push();
      line = word;
    }
  }
  if (line) push();
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, Math.max(1, maxLines));
  const last = kept[kept.length - 1] ?? '';
  kept[kept.length - 1] = `${last.slice(0, Math.max(0, perLine - 1))}…`;
  return kept;
}

/** The caption: the prompt, wrapped to fit the frame, and a footer saying which simulated job made the clip. */
export function captionFor(prompt: string, footer: string, size: FrameSize): string {
  const fontSize = fontSizeFor(size);
  const perLine = Math.max(8, Math.floor((size.width * 0.9) / (fontSize * 0.6)));
  const maxLines = Math.max(2, Math.floor((size.height * 0.85) / (fontSize * 1.3)));
  const body = wrapText(prompt, perLine, maxLines - 3);
  return [...body, '', ...wrapText(footer, perLine, 2)].join('\n');
}

export interface RenderArgsInput {
  size: FrameSize;
  fps: number;
  seconds: number;
  audio: boolean;
  /** Silent moderation: 1 s of black at 64x64 instead of the real clip. */
  placeholder: boolean;
  /** The caption file and the output, relative to ffmpeg's working directory (no paths inside the filter graph). */
  textFile: string;
  output: string;
  fontFile?: string;
}

/** A font path goes into the filter graph unescaped, so only plain paths are used; otherwise fontconfig picks one. */
function fontOption(fontFile: string | undefined): string {
  const f = fontFile ?? DEFAULT_FONT;
  return /^[\w./-]+$/.test(f) && existsSync(f) ? `fontfile=${f}:` : '';
}

export function ffmpegArgs(input: RenderArgsInput): string[] {
  const head = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y'];
  const h264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
  const tail = ['-movflags', '+faststart', '-f', 'mp4', input.output];
  if (input.placeholder) {
    return [...head, '-f', 'lavfi', '-i', 'color=c=black:s=64x64:r=12:d=1', ...h264, '-an', '-t', '1', ...tail];
  }
  const { width, height } = input.size;
  const s = String(input.seconds);
  const fontSize = fontSizeFor(input.size);
  // expansion=none: a prompt containing %{...} must be printed, not evaluated.
  const drawtext =
    `drawtext=${fontOption(input.fontFile)}textfile=${input.textFile}:expansion=none:fontsize=${fontSize}:fontcolor=white:` +
    `line_spacing=${Math.round(fontSize / 4)}:box=1:boxcolor=black@0.6:boxborderw=${Math.round(fontSize / 2)}:` +
    `x=(w-text_w)/2:y=(h-text_h)/2`;
  const args = [...head, '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${input.fps}:duration=${s}`];
  if (input.audio) args.push('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${s}`);
  args.push('-vf', drawtext, '-map', '0:v');
  if (input.audio) args.push('-map', '1:a');
  args.push(...h264, '-g', String(input.fps * 2));
  if (input.audio) args.push('-c:a', 'aac', '-b:a', '96k');
  else args.push('-an');
  args.push('-t', s, ...tail);
  return args;
}
