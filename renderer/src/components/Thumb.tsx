/** A clip's thumbnail; a plain placeholder when the app cannot serve it (so no broken-image icon). */
import { useState } from 'react';
import { thumbUrl } from '../timeline/media';

export function Thumb({ rowId }: { rowId: number }) {
  const [failed, setFailed] = useState(false);
  if (failed) return <div className="thumb-missing" aria-hidden="true" />;
  return <img className="thumb" src={thumbUrl(rowId)} alt="" loading="lazy" onError={() => setFailed(true)} />;
}
