/** The optional music bed: pick a WAV or MP3, set its volume and fade-out, or take it off. */
import { musicUrl } from '../timeline/media';
import type { MusicView } from '../timeline/types';
import { useTimelineStore } from '../state/timeline';
import { reportError } from '../state/app';

/** Reads the file as base64 for the call (the bridge carries JSON). */
function toBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(new Error(`Could not read ${file.name}.`));
    reader.readAsDataURL(file);
  });
}

export function MusicControl({ batchId, music }: { batchId: number; music: MusicView | null }) {
  const settings = useTimelineStore((s) => s.music);
  const setMusic = useTimelineStore((s) => s.setMusic);
  const upload = useTimelineStore((s) => s.uploadMusic);
  const busy = useTimelineStore((s) => s.busy);
  const pick = async (file: File | undefined) => {
    if (!file) return;
    try {
      await upload(file.name, await toBase64(file));
    } catch (e) {
      reportError(e);
    }
  };
  return (
    <section className="music" aria-label="Music bed">
      <h3>Music bed</h3>
      <div className="controls">
        <label>
          {music && settings ? 'Replace' : 'Add music (WAV or MP3)'}{' '}
          <input type="file" accept=".wav,.mp3,audio/wav,audio/mpeg" disabled={busy} onChange={(e) => void pick(e.target.files?.[0])} />
        </label>
        {music && settings && (
          <>
            <span>{music.fileName}</span>
            <label>
              Volume{' '}
              <input
                type="range"
                min={0}
                max={2}
                step={0.05}
                value={settings.volume}
                aria-label="Music volume"
                onChange={(e) => setMusic({ ...settings, volume: Number(e.target.value) })}
              />{' '}
              {Math.round(settings.volume * 100)}%
            </label>
            <label>
              Fade out{' '}
              <input
                type="number"
                min={0}
                max={30}
                step={0.5}
                value={settings.fadeOutSec}
                aria-label="Music fade-out, seconds"
                onChange={(e) => setMusic({ ...settings, fadeOutSec: Math.min(30, Math.max(0, Number(e.target.value) || 0)) })}
              />{' '}
              s
            </label>
            <audio src={musicUrl(batchId)} controls preload="none" aria-label="Listen to the music bed" />
            <button className="small" onClick={() => setMusic(null)}>
              Remove music
            </button>
          </>
        )}
      </div>
    </section>
  );
}
