/** The music track's header: pick a WAV or MP3, its volume (shown on the track as its level line), or take it off. */
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

export function MusicControl() {
  const view = useTimelineStore((s) => s.view);
  const settings = useTimelineStore((s) => s.music);
  const setMusic = useTimelineStore((s) => s.setMusic);
  const upload = useTimelineStore((s) => s.uploadMusic);
  const busy = useTimelineStore((s) => s.busy);
  const music = view?.music;
  const pick = async (file: File | undefined) => {
    if (!file) return;
    try {
      await upload(file.name, await toBase64(file));
    } catch (e) {
      reportError(e);
    }
  };
  return (
    <div className="music-header" aria-label="Music bed">
      <span className="music-title">
        <span className="track-name">A1 Music</span>
        {music && settings && (
          <span className="music-file" title={music.fileName}>
            {music.fileName}
          </span>
        )}
      </span>
      {music && settings ? (
        <span className="music-row">
          <input
            type="range"
            min={0}
            max={2}
            step={0.05}
            value={settings.volume}
            aria-label="Music volume"
            title="Volume of the music under the clips' own sound (its level line on the track)"
            onChange={(e) => setMusic({ ...settings, volume: Number(e.target.value) })}
          />
          <span className="music-level">{Math.round(settings.volume * 100)}%</span>
          <label className="file-button small" title="Replace the music bed">
            ↻
            <input type="file" accept=".wav,.mp3,audio/wav,audio/mpeg" disabled={busy} onChange={(e) => void pick(e.target.files?.[0])} aria-label="Replace the music (WAV or MP3)" />
          </label>
          <button className="small" onClick={() => setMusic(null)} aria-label="Remove the music bed" title="Remove the music bed">
            ✕
          </button>
        </span>
      ) : (
        <label className="file-button small">
          Add music…
          <input type="file" accept=".wav,.mp3,audio/wav,audio/mpeg" disabled={busy || !view} onChange={(e) => void pick(e.target.files?.[0])} aria-label="Add music (WAV or MP3)" />
        </label>
      )}
    </div>
  );
}
