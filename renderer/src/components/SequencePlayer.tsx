/**
 * The viewer: the frame under the playhead, crossfades mixed as the export mixes them (two <video> elements,
 * viewer-sync.ts), the music bed under it at its volume and fade, the transport buttons (each with its key), the
 * timecode, and below it the inspector of the selected clip or marker. While the ruler is dragged, the exact frame
 * is drawn at once from the clip's scrub sprite, and the full-size frame replaces it when the video has sought to it.
 */
import { useEffect, useRef } from 'react';
import { press, seek, step, transport, useTransport } from '../state/transport';
import { useTimelineStore } from '../state/timeline';
import { useTimelineView } from '../state/timeline-view';
import { goToEdit } from '../timeline/commands';
import { fpsOf, framesToSec, rateFromText, timecode } from '../timeline/frames';
import { musicUrl } from '../timeline/media';
import { drawSpriteFrame, prefetchSprites, spriteDecoding, spriteFor } from '../timeline/scrub-sprites';
import { rateLabel } from '../timeline/shuttle';
import type { Layout } from '../timeline/frames';
import { useSequence } from '../timeline/use-sequence';
import { applyPlan, planViewer, seekToWanted } from '../timeline/viewer-sync';
import { bedOf, gainAt } from '../timeline/music-bed';
import { ClipInspector } from './ClipInspector';
import { MarkerInspector } from './MarkerInspector';

function useViewerSync(lay: Layout, screen: React.RefObject<HTMLDivElement | null>, videos: React.RefObject<(HTMLVideoElement | null)[]>, strip: React.RefObject<HTMLCanvasElement | null>, tc: React.RefObject<HTMLSpanElement | null>, audio: React.RefObject<HTMLAudioElement | null>) {
  const view = useTimelineStore((s) => s.view);
  const music = useTimelineStore((s) => s.music);
  useEffect(() => {
    const fps = fpsOf(lay.rate);
    const bed = bedOf(framesToSec(lay.totalFrames, lay.rate), view?.music?.durationSec ?? null, music?.volume ?? 0, music?.fadeOutSec ?? 0);
    const sync = () => {
      const s = transport.getState();
      const { plans, layers } = planViewer(lay, s);
      const els = videos.current;
      const top = plans.find((p) => p?.top);
      const frame = Math.floor(s.pos + 1e-6);
      if (tc.current) tc.current.textContent = timecode(frame, lay.rate);
      const root = screen.current;
      if (root) {
        root.dataset.frame = String(frame);
        root.dataset.rowId = top ? String(top.rowId) : '';
        root.dataset.time = top ? String(top.time) : '';
        root.dataset.mix = layers.length === 2 ? layers[1]!.mix.toFixed(4) : '1';
      }
      // While scrubbing or trimming, the exact frame is drawn at once from the clip's scrub sprite (every frame,
      // small), until the video has sought to it at full size. The sprite comes first, before the videos are told
      // where to go: a jump to another clip switches a video's source, and that work would delay the sprite's decode.
      const el = top ? els?.find((v) => v?.dataset.rowId === String(top.rowId)) : undefined;
      const waiting = !!top && (!el || el.seeking || el.readyState < 2 || Math.abs(el.currentTime - top.time) > 0.002);
      const sprite = strip.current;
      let holdVideos = false;
      if (sprite) {
        let drawn = false;
        if ((s.scrubbing || s.preview) && waiting && top) {
          const span = lay.spans.find((x) => x.rowId === top.rowId);
          const srcFps = rateFromText(view?.bin.find((b) => b.rowId === top.rowId)?.fps);
          const img = spriteFor(top.rowId, sync);
          if (img && srcFps) drawn = drawSpriteFrame(sprite, img, Math.floor(top.time * fpsOf(srcFps) + 1e-6));
          // The clips either side are decoded ahead, so a drag across a cut lands on a sprite ready to draw; but only
          // once this clip's is drawn: decodes started together share the cores and all finish late.
          if (span && img) for (const near of [lay.spans[span.index - 1], lay.spans[span.index + 1]]) if (near) spriteFor(near.rowId);
          if (drawn) sprite.dataset.shown = `${top.rowId}:${top.time}`;
          // A press that lands in another clip: its sprite decodes in a few ms on an idle machine, but the new
          // source the video would start loading meanwhile (demuxing, decoding) takes the same cores and made that
          // decode about four times slower (~100 ms against ~28 ms in the bench). So the video switch waits for the
          // sprite (spriteFor calls sync once it is decoded, failed or dropped), and the frame is on screen first.
          holdVideos = !drawn && spriteDecoding(top.rowId);
        }
        sprite.hidden = !drawn;
      }
      if (!holdVideos) plans.forEach((p, i) => els?.[i] && applyPlan(els[i]!, p, s.rate, s.scrubbing));
      const a = audio.current;
      if (a && music) {
        const t = s.pos / fps;
        const gain = gainAt(bed, t);
        a.volume = Math.max(0, Math.min(1, gain));
        if (s.rate > 0 && !s.scrubbing && !s.preview && t < bed.endSec) {
          a.playbackRate = s.rate;
          if (a.paused) {
            a.currentTime = t;
            void a.play().catch(() => undefined);
          } else if (Math.abs(a.currentTime - t) > 0.25) a.currentTime = t;
        } else if (!a.paused) a.pause();
      }
    };
    sync();
    const off = transport.subscribe(sync);
    // A finished seek may show a frame the playhead has already left: go on to the current one, and hide the strip.
    const onSeeked = (e: Event) => {
      seekToWanted(e.target as HTMLVideoElement);
      sync();
    };
    const els = videos.current ?? [];
    els.forEach((v) => v?.addEventListener('seeked', onSeeked));
    els.forEach((v) => v?.addEventListener('loadeddata', onSeeked));
    return () => {
      off();
      els.forEach((v) => v?.removeEventListener('seeked', onSeeked));
      els.forEach((v) => v?.removeEventListener('loadeddata', onSeeked));
    };
  }, [lay, view, music, videos, screen, strip, tc, audio]);
}

function Transport({ lay }: { lay: Layout }) {
  const rate = useTransport((s) => s.rate);
  const hasClips = lay.spans.length > 0;
  return (
    <div className="viewer-transport" role="toolbar" aria-label="Transport">
      <button className="small" disabled={!hasClips} onClick={() => seek(0)} title="Start (Home)" aria-label="Go to the start">
        ⇤
      </button>
      <button className="small" disabled={!hasClips} onClick={() => goToEdit(-1)} title="Previous edit (↑)" aria-label="Previous edit">
        ↞
      </button>
      <button className="small" disabled={!hasClips} onClick={() => step(-1)} title="One frame back (←)" aria-label="One frame back">
        ◂
      </button>
      <button className="small" disabled={!hasClips} onClick={() => press('J')} title="Play backwards, faster each press (J)" aria-label="Play backwards">
        ◀◀
      </button>
      <button className="small" disabled={!hasClips} onClick={() => press('K')} title="Stop (K)" aria-label="Stop">
        ■
      </button>
      <button className="small primary" disabled={!hasClips} onClick={() => press('Space')} title="Play / pause (Space)" aria-label={rate === 0 ? 'Play' : 'Pause'}>
        {rate === 0 ? '▶' : '❚❚'}
      </button>
      <button className="small" disabled={!hasClips} onClick={() => press('L')} title="Play forwards, faster each press (L)" aria-label="Play forwards faster">
        ▶▶
      </button>
      <button className="small" disabled={!hasClips} onClick={() => step(1)} title="One frame forward (→)" aria-label="One frame forward">
        ▸
      </button>
      <button className="small" disabled={!hasClips} onClick={() => goToEdit(1)} title="Next edit (↓)" aria-label="Next edit">
        ↠
      </button>
      <button className="small" disabled={!hasClips} onClick={() => seek(transport.getState().total - 1)} title="End (End)" aria-label="Go to the end">
        ⇥
      </button>
      <span className="viewer-rate" data-testid="shuttle-rate" aria-live="polite">
        {rateLabel(rate)}
      </span>
    </div>
  );
}

export function SequencePlayer() {
  const { lay } = useSequence();
  const batchId = useTimelineStore((s) => s.batchId);
  const view = useTimelineStore((s) => s.view);
  const music = useTimelineStore((s) => s.music);
  const selected = useTimelineStore((s) => s.selected);
  const clips = useTimelineStore((s) => s.clips);
  const marker = useTimelineView((s) => s.selectedMarker);
  const screen = useRef<HTMLDivElement>(null);
  const videos = useRef<(HTMLVideoElement | null)[]>([null, null]);
  const strip = useRef<HTMLCanvasElement>(null);
  const tc = useRef<HTMLSpanElement>(null);
  const audio = useRef<HTMLAudioElement>(null);
  useViewerSync(lay, screen, videos, strip, tc, audio);
  // Once the timeline is on screen and the page is idle, its clips' scrub sprites come ahead, nearest first.
  useEffect(() => {
    if (!lay.spans.length) return;
    const start = () => {
      const at = transport.getState().pos;
      const order = [...lay.spans].sort((a, b) => Math.abs(a.recIn - at) - Math.abs(b.recIn - at)).map((s) => s.rowId);
      prefetchSprites([...new Set(order)]);
    };
    const idle = window.requestIdleCallback ? window.requestIdleCallback(start, { timeout: 3000 }) : window.setTimeout(start, 1000);
    return () => (window.cancelIdleCallback ? window.cancelIdleCallback(idle) : window.clearTimeout(idle));
  }, [lay]);
  const empty = !lay.spans.length;
  return (
    <section className="pane viewer-pane" aria-label="Viewer" tabIndex={-1} onPointerDown={(e) => !(e.target as HTMLElement).closest('input,select,textarea,button,label') && e.currentTarget.focus({ preventScroll: true })}>
      <div className="viewer-screen" ref={screen} data-testid="viewer">
        <video ref={(v) => void (videos.current[0] = v)} data-testid="viewer-a" preload="auto" playsInline aria-label="Sequence viewer" />
        <video ref={(v) => void (videos.current[1] = v)} data-testid="viewer-b" preload="auto" playsInline aria-hidden="true" />
        <canvas ref={strip} className="viewer-strip" data-testid="viewer-sprite" hidden aria-hidden="true" />
        {empty && <p className="viewer-empty muted">{view ? 'No clips on the timeline.' : 'The frame under the timeline’s playhead shows here.'}</p>}
        <span className="viewer-tc" ref={tc} data-testid="viewer-timecode">
          {timecode(0, lay.rate)}
        </span>
        {batchId !== undefined && view?.music && music && <audio ref={audio} src={musicUrl(batchId)} preload="auto" aria-hidden="true" />}
      </div>
      <Transport lay={lay} />
      <div className="viewer-inspector">
        {marker ? (
          <MarkerInspector id={marker} rate={lay.rate} />
        ) : selected !== undefined && clips[selected] ? (
          <ClipInspector key={`${selected}-${clips[selected]!.rowId}`} index={selected} />
        ) : (
          <p className="muted">Select a clip on the timeline to trim it by the numbers or swap its take; press ? for the keys.</p>
        )}
      </div>
    </section>
  );
}
