/**
 * A clip's picture on the track: frames from its strip (made once in main, STRIP_FRAMES per clip), each tile
 * showing the strip frame nearest the source time at that point of the clip, at the tile's true aspect, so the
 * track reads like a filmstrip at any zoom. Narrow clips show none (a solid block reads better than a sliver).
 */
import { memo } from 'react';
import { STRIP_FRAMES } from '../../../../main/contract-names';
import { stripUrl } from '../media';

const MAX_TILES = 24;

export const Filmstrip = memo(function Filmstrip(props: { rowId: number; widthPx: number; height: number; aspect: number; startSec: number; pps: number; sourceSec: number }) {
  const { rowId, widthPx, height, aspect, startSec, pps, sourceSec } = props;
  const tileW = Math.max(8, Math.round(height * aspect));
  if (widthPx < 48 || !(sourceSec > 0)) return null;
  const count = Math.min(MAX_TILES, Math.ceil(widthPx / tileW));
  const tiles = [];
  for (let j = 0; j < count; j++) {
    // The source time at the middle of this tile, and the strip frame covering it (frame k spans k/N..(k+1)/N).
    const t = startSec + (j * tileW + tileW / 2) / pps;
    const k = Math.max(0, Math.min(STRIP_FRAMES - 1, Math.floor((t / sourceSec) * STRIP_FRAMES)));
    tiles.push(
      <span
        key={j}
        className="tl-tile"
        style={{ width: tileW, height, backgroundImage: `url(${stripUrl(rowId)})`, backgroundSize: `${tileW * STRIP_FRAMES}px ${height}px`, backgroundPosition: `${-k * tileW}px 0` }}
      />,
    );
  }
  return (
    <span className="tl-filmstrip" aria-hidden="true">
      {tiles}
    </span>
  );
});
