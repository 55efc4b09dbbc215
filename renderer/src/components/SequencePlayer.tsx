/**
 * Plays the whole sequence in the app with one <video>: it loads each clip in turn, starts at the in point and moves
 * on at the out point. Crossfades play as cuts here (the export renders them).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { findBin } from '../timeline/edit';
import { clock } from '../timeline/format';
import { clipUrl } from '../timeline/media';
import { segments } from '../timeline/sequence';
import type { BinClip, TimelineClip } from '../timeline/types';

export function SequencePlayer({ clips, bin }: { clips: TimelineClip[]; bin: BinClip[] }) {
  const segs = useMemo(() => segments(clips, bin), [clips, bin]);
  const video = useRef<HTMLVideoElement>(null);
  const [current, setCurrent] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [time, setTime] = useState(0);
  const seg = segs[Math.min(current, segs.length - 1)];

  // Loading a clip: jump to its in point, and keep playing if the sequence was playing.
  useEffect(() => {
    const v = video.current;
    if (!v || !seg) return;
    const start = () => {
      v.currentTime = seg.inSec;
      if (playing) void v.play().catch(() => setPlaying(false));
    };
    if (v.readyState >= 1) start();
    else v.addEventListener('loadedmetadata', start, { once: true });
    return () => v.removeEventListener('loadedmetadata', start);
    // Only a new clip (or new trims) reloads; the play state is read here, not watched.
  }, [seg?.rowId, seg?.inSec, current]);

  if (!seg) return null;
  const next = () => {
    if (current + 1 < segs.length) setCurrent(current + 1);
    else {
      setPlaying(false);
      video.current?.pause();
      setCurrent(0);
    }
  };
  const onTime = () => {
    const v = video.current;
    if (!v) return;
    setTime(seg.startSec + Math.max(0, v.currentTime - seg.inSec));
    if (v.currentTime >= seg.outSec - 0.03) next();
  };
  const toggle = () => {
    const v = video.current;
    if (!v) return;
    if (playing) {
      v.pause();
      setPlaying(false);
    } else {
      setPlaying(true);
      void v.play().catch(() => setPlaying(false));
    }
  };
  const label = findBin(bin, seg.rowId)?.label ?? '';
  return (
    <div className="sequence-player">
      <video key={seg.rowId + ':' + current} ref={video} src={clipUrl(seg.rowId)} preload="auto" onTimeUpdate={onTime} onEnded={next} aria-label="Sequence preview" />
      <div className="controls">
        <button onClick={toggle} aria-label={playing ? 'Pause the sequence' : 'Play the sequence'}>
          {playing ? 'Pause' : 'Play'}
        </button>
        <button className="small" onClick={() => setCurrent(Math.max(0, current - 1))} disabled={current === 0} aria-label="Previous clip">
          ◀
        </button>
        <button className="small" onClick={next} disabled={current + 1 >= segs.length} aria-label="Next clip">
          ▶
        </button>
        <span aria-live="polite">
          Clip {current + 1} of {segs.length}: {label}
        </span>
        <span className="muted">{clock(time)}</span>
      </div>
      <p className="muted note">Crossfades play as cuts in this preview; the export renders them.</p>
    </div>
  );
}
