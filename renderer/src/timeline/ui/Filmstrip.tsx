/**
 * A clip's picture on the track: a few frames from its strip (made once in main, STRIP_FRAMES per clip). The clip is
 * cut into `tiles` equal slots (a power of two, so zooming changes it rarely); each slot shows, at its true aspect and
 * cropped on the right, the strip frame nearest the source time at its middle. Narrow clips show none.
 */
import { memo } from 'react';
import { STRIP_FRAMES } from '../../../../main/contract-names';
import { stripUrl } from '../media';

export const Filmstrip = memo(function Filmstrip(props: { rowId: number; tiles: number; height: number; aspect: number; startSec: number; lengthSec: number; sourceSec: number }) {
  const { rowId, tiles, height, aspect, startSec, lengthSec, sourceSec } = props;
  if (tiles < 1 || !(sourceSec > 0)) return null;
  const tileW = Math.max(8, Math.round(height * aspect));
  const slots = [];
  for (let j = 0; j < tiles; j++) {
    // The source time at the middle of this slot, and the strip frame covering it (frame k spans k/N..(k+1)/N).
    const t = startSec + ((j + 0.5) / tiles) * lengthSec;
    const k = Math.max(0, Math.min(STRIP_FRAMES - 1, Math.floor((t / sourceSec) * STRIP_FRAMES)));
    slots.push(
      <span key={j} className="tl-tile-slot" style={{ width: `${100 / tiles}%` }}>
        <span
          className="tl-tile"
          style={{ width: tileW, height, backgroundImage: `url(${stripUrl(rowId)})`, backgroundSize: `${tileW * STRIP_FRAMES}px ${height}px`, backgroundPosition: `${-k * tileW}px 0` }}
        />
      </span>,
    );
  }
  return (
    <span className="tl-filmstrip" aria-hidden="true">
      {slots}
    </span>
  );
});
