/** Renders the saved timeline to one MP4: preset, file name, progress with time left, cancel, and what was done. */
import { useState } from 'react';
import { clock } from '../timeline/format';
import type { ExportJob, PresetName } from '../timeline/types';
import { useTimelineStore } from '../state/timeline';

const PRESETS: { value: PresetName; label: string }[] = [
  { value: 'match', label: 'Match clips (lossless when possible)' },
  { value: '1080p', label: '1080p (1920×1080)' },
  { value: '720p', label: '720p (1280×720)' },
  { value: 'vertical', label: 'Vertical 1080×1920' },
];

const PHASE: Record<ExportJob['phase'], string> = { probe: 'Checking the clips', render: 'Rendering', verify: 'Checking the result', done: 'Done' };

/** The backend says "exists" when the file is already there; we offer to replace it rather than overwrite silently. */
const isExists = (job: ExportJob) => job.state === 'failed' && /exist/i.test(job.message ?? '');

function JobStatus({ job, onReplace }: { job: ExportJob; onReplace: () => void }) {
  const cancel = useTimelineStore((s) => s.cancelExport);
  const pct = Math.round((job.fraction ?? 0) * 100);
  if (job.state === 'running')
    return (
      <div className="export-job" role="status">
        <div className="progress" role="progressbar" aria-label="Export progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
          <div className="progress-done export" style={{ width: `${pct}%` }} />
        </div>
        <div className="controls">
          <span>
            {PHASE[job.phase]}… {job.fraction !== null ? `${pct}%` : ''} {clock(job.seconds)} of {clock(job.totalSec)}
          </span>
          {job.etaSec !== null && <span className="muted">about {Math.ceil(job.etaSec)} s left</span>}
          <button onClick={() => void cancel()}>Cancel export</button>
        </div>
      </div>
    );
  if (job.state === 'done')
    return (
      <div className="export-job done" role="status" data-testid="export-done">
        <p>
          <span className="state done">Exported</span> <strong>{job.fileName}</strong>
          {job.durationSec !== null && <> · {clock(job.durationSec)} ({job.durationSec.toFixed(2)} s)</>}
          {job.cached && <span className="muted"> · unchanged since the last export, reused</span>}
        </p>
        <p>
          {job.path === 'lossless' ? 'Lossless: the clips were joined without re-encoding.' : job.path === 'conform' ? 'Re-encoded to one format (conform).' : ''}
        </p>
        {job.reasons.length > 0 && (
          <ul className="reasons">
            {job.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        )}
        {job.output && <p className="muted path">{job.output}</p>}
      </div>
    );
  if (isExists(job))
    return (
      <div className="export-job" role="alert">
        <p className="warn">{job.message}</p>
        <button onClick={onReplace}>Replace it</button>
      </div>
    );
  return (
    <div className="export-job" role="alert">
      <p className={job.state === 'cancelled' ? 'muted' : 'error'}>{job.state === 'cancelled' ? 'Export cancelled.' : (job.message ?? 'The export failed.')}</p>
    </div>
  );
}

export function ExportPanel({ defaultName }: { defaultName: string }) {
  const job = useTimelineStore((s) => s.job);
  const start = useTimelineStore((s) => s.startExport);
  const empty = useTimelineStore((s) => s.clips.length === 0);
  const [preset, setPreset] = useState<PresetName>(job?.preset ?? 'match');
  const [fileName, setFileName] = useState(job?.fileName ?? defaultName);
  const exists = useTimelineStore((s) => s.exists);
  const running = job?.state === 'running';
  const go = (overwrite?: boolean) => void start(preset, fileName.trim(), overwrite);
  return (
    <section className="export-panel" aria-label="Export">
      <h3>Export</h3>
      <form
        className="controls"
        onSubmit={(e) => {
          e.preventDefault();
          go();
        }}
      >
        <label>
          Preset{' '}
          <select value={preset} onChange={(e) => setPreset(e.target.value as PresetName)}>
            {PRESETS.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          File name <input value={fileName} onChange={(e) => setFileName(e.target.value)} aria-label="Export file name" />
        </label>
        <button className="primary" type="submit" disabled={running || empty || !fileName.trim()}>
          Export
        </button>
      </form>
      {exists ? (
        <div className="export-job" role="alert">
          <p className="warn">{exists}</p>
          <button onClick={() => go(true)}>Replace it</button>
        </div>
      ) : (
        job && <JobStatus job={job} onReplace={() => go(true)} />
      )}
    </section>
  );
}
