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

/** A model by its display name ("Sim Fast (480p …)"), its id when the catalog does not know it. */
export function modelName(id: string, models: ReadonlyArray<{ id: string; name: string }>): string {
  return models.find((m) => m.id === id)?.name ?? id;
}

/**
 * A message with the model ids it quotes bare ("not offered by sim-fast-text-to-video") replaced by display names.
 * An id in quotes is what the user typed or should type ("did you mean "wan-2.5"?"), so it stays as it is.
 */
export function withModelNames(text: string, models: ReadonlyArray<{ id: string; name: string }>): string {
  let out = text;
  // Longest ids first, so an id that is the prefix of another is not replaced inside it.
  for (const m of [...models].sort((a, b) => b.id.length - a.id.length)) {
    if (!m.name || m.name === m.id || !out.includes(m.id)) continue;
    const escaped = m.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(?<![\\w"“.-])${escaped}(?![\\w"”-])`, 'g'), m.name);
  }
  return out;
}
