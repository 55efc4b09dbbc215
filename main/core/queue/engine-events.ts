/** What the engine tells the app, the CLI and the tests: rows and batches moving, holds, notices. */
import type { HoldCause } from './hold-store';

export type EngineEvent =
  | { type: 'row'; batchId: number; rowId: number; state: string; message: string }
  | { type: 'batch'; batchId: number; status: string; reason: string | null }
  | { type: 'balance'; balanceUsd: number }
  /** Work waits for a cause outside the queue (`active`), or carries on again; `message` says which, plainly. */
  | { type: 'hold'; active: boolean; cause: HoldCause; message: string; batchIds: number[] }
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; message: string };
