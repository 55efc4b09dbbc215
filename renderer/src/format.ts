/** Small formatting helpers shared by the components. */
export const usd = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : `$${n.toFixed(2)}`);

/** Row states in the words the table shows. `done` stays `done`: it is what an editor looks for. */
export const STATE_LABEL: Record<string, string> = {
  draft: 'draft',
  ready: 'waiting',
  submitting: 'sending',
  queued: 'queued',
  processing: 'generating',
  downloading: 'downloading',
  verifying: 'checking',
  done: 'done',
  in_doubt: 'in doubt',
  failed: 'failed',
  cancelled: 'cancelled',
};

export const PHASE_LABEL: Record<string, string> = {
  running: 'running',
  paused: 'paused',
  finished: 'finished',
  'needs-attention': 'needs your decision',
  cancelled: 'cancelled',
};
