/**
 * Saves the ledger and jobs to `statePath` after every change, so a simulator killed mid-batch (the engine's crash
 * tests do exactly that) comes back with the money it took and the jobs it owes. Writes go to a temporary file
 * that is then renamed over the old one: a kill at any instant leaves either the old state or the new, never half.
 * Synchronous on purpose: the answer that reports a charge must not leave before the charge is on disk.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { SimJob } from './jobs';
import type { LedgerSnapshot } from './ledger';

export interface SavedState {
  version: 1;
  /** The port of the run that saved it: reused when possible so saved download links keep working. */
  port?: number;
  ledger: LedgerSnapshot;
  jobs: SimJob[];
}

const SavedStateSchema = z.looseObject({
  version: z.literal(1),
  port: z.number().int().optional(),
  ledger: z.looseObject({
    balanceUsd: z.number(),
    entries: z.array(
      z.looseObject({
        at: z.number(),
        queueId: z.string(),
        model: z.string(),
        amountUsd: z.number(),
        prompt: z.string(),
        kind: z.enum(['charge', 'refund']),
      }),
    ),
  }),
  jobs: z.array(z.looseObject({ queueId: z.string(), state: z.enum(['active', 'completed', 'expired']) })),
});

/** The saved state, or undefined when there is none yet. A file that is there but unreadable is an error: say so. */
export function loadState(file: string): SavedState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`The simulator state file ${file} is not valid JSON; delete it to start afresh`);
  }
  const parsed = SavedStateSchema.safeParse(json);
  if (!parsed.success) throw new Error(`The simulator state file ${file} has an unexpected shape; delete it to start afresh`);
  return parsed.data as unknown as SavedState;
}

export function saveState(file: string, state: SavedState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, file);
}
