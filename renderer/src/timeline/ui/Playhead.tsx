/**
 * The playhead line across the ruler and the tracks. Positioned from the transport by a subscription that writes
 * its transform directly (no React render per frame); while playing it turns the track's page when it reaches the
 * edge, and a jump (a key, a click) scrolls just enough to keep it in view (LosslessCut #676: a zoomed-in
 * playhead that leaves the view is lost).
 */
import { useEffect, useRef, type RefObject } from 'react';
import { transport } from '../../state/transport';
import { scrollToShow, timeToX } from '../geometry';

export function Playhead({ pps, scroller }: { pps: number; scroller: RefObject<HTMLDivElement | null> }) {
  const line = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const place = (pos: number, fps: number, follow: boolean, playing: boolean) => {
      const x = timeToX(pos / fps, pps);
      if (line.current) line.current.style.transform = `translateX(${x}px)`;
      const el = scroller.current;
      if (!el || !follow) return;
      const view = { pps, scrollLeft: el.scrollLeft };
      const next = playing && x > el.scrollLeft + el.clientWidth - 20 ? x - 40 : scrollToShow(pos / fps, view, el.clientWidth);
      if (Math.abs(next - el.scrollLeft) > 1) el.scrollLeft = next;
    };
    const s = transport.getState();
    place(s.pos, s.fps, false, false);
    return transport.subscribe((now, before) => {
      if (now.pos === before.pos && now.fps === before.fps) return;
      // Scrubbing keeps the view still (the pointer is in it); everything else keeps the playhead visible.
      place(now.pos, now.fps, !now.scrubbing, now.rate !== 0);
    });
  }, [pps, scroller]);
  return <div ref={line} className="tl-playhead" data-testid="timeline-playhead" aria-hidden="true" />;
}
