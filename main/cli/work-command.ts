/**
 * `work [--until-idle]`: this machine joins the queue it is on (the studio's PostgreSQL when VENICE_BATCH_DB names
 * one, else its own SQLite file) and works every active batch of every machine, through the same engine as `run`
 * and the app. A render box runs it headless until stopped (SIGINT/SIGTERM: work under way ends, leases are given
 * back, so the other machines take its rows at once instead of after the lease runs out). With --until-idle it
 * returns as soon as no row is left that a machine could still finish.
 */
import { batchSettled } from '../core/queue/engine';
import type { QueueStoreApi } from '../core/queue/store-api';
import type { CliValues } from './args';
import { cliEngine, queueLine } from './engine-options';
import type { CliSession } from './session';

export interface WorkIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

/** How often --until-idle looks whether anything is left. */
const IDLE_CHECK_MS = 1_000;

/** What waits for a person across the queue: rows in doubt or failed, and paused batches with rows still to send. */
export interface WaitingForPeople {
  inDoubt: number;
  failed: number;
  pausedBatches: number;
}

/** True when no batch has a row a machine could still finish (everything done, failed, in doubt, paused or cancelled). */
export async function queueIdle(queue: QueueStoreApi): Promise<boolean> {
  // One query narrows a studio's long history to the batches with rows in flight or ready; of those, a batch whose
  // only remaining work is a best-effort /video/complete counts as settled (a complete that keeps failing must
  // not keep a render box up for ever).
  for (const id of await queue.liveBatchIds()) if (!(await batchSettled(queue, id))) return false;
  return true;
}

export async function waitingForPeople(queue: QueueStoreApi): Promise<WaitingForPeople> {
  const w: WaitingForPeople = { inDoubt: 0, failed: 0, pausedBatches: 0 };
  for (const b of await queue.listBatches()) {
    if (b.status === 'cancelled') continue;
    const counts = await queue.countByState(b.id);
    w.inDoubt += counts.in_doubt ?? 0;
    w.failed += counts.failed ?? 0;
    if (b.status === 'paused' && ((counts.ready ?? 0) > 0 || (counts.draft ?? 0) > 0)) w.pausedBatches++;
  }
  return w;
}

export async function workCommand(session: CliSession, values: CliValues, io: WorkIo): Promise<number> {
  const untilIdle = values['until-idle'] === true;
  io.out.write(`${queueLine(session)}\n`);
  const engine = cliEngine(session, untilIdle ? 'venice-batch work --until-idle' : 'venice-batch work');
  // One line per row this machine settles: a render box's log says what it did, and a studio sees who did what.
  engine.subscribe((e) => {
    if (e.type === 'row' && (e.state === 'done' || e.state === 'failed' || e.state === 'in_doubt')) {
      io.out.write(`batch ${e.batchId} row id ${e.rowId}: ${e.state}${e.state === 'done' ? '' : ` (${e.message})`}\n`);
    }
    if (e.type === 'notice') io.err.write(`${e.level}: ${e.message}\n`);
    if (e.type === 'batch' && e.status === 'paused' && e.reason) io.err.write(`Batch ${e.batchId} paused: ${e.reason}\n`);
    if (e.type === 'hold') io.err.write(`${e.active ? 'Waiting' : 'Carrying on'}: ${e.message}\n`);
  });

  let stopping = false;
  let wake: (() => void) | undefined;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    io.err.write('Stopping: finishing requests under way and giving this machine\'s rows back to the queue.\n');
    wake?.();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const recovered = await engine.start();
    if (recovered.reattached || recovered.resumed) {
      io.out.write(`Re-attached ${recovered.reattached} job(s) on Venice, resumed ${recovered.resumed} download(s).\n`);
    }
    let lastDiagnosis = Date.now();
    while (!stopping) {
      if (untilIdle && (await queueIdle(session.queue))) break;
      if (process.env.VENICE_BATCH_DEBUG && Date.now() - lastDiagnosis > 20_000) {
        lastDiagnosis = Date.now();
        io.err.write(`debug: ${JSON.stringify(await engine.diagnose())}\n`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, IDLE_CHECK_MS);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    // Waits for requests under way (a queue request is never abandoned mid-flight), then gives the leases back.
    await engine.stop();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  if (stopping) {
    io.out.write('Stopped; rows this machine held are back in the queue.\n');
    return 130;
  }
  const w = await waitingForPeople(session.queue);
  if (w.inDoubt + w.failed + w.pausedBatches === 0) {
    io.out.write('Nothing left to do on the queue.\n');
    return 0;
  }
  const parts = [];
  if (w.inDoubt) parts.push(`${w.inDoubt} row(s) in doubt (may have been charged: decide with venice-batch resolve)`);
  if (w.failed) parts.push(`${w.failed} failed row(s) (see venice-batch status; venice-batch retry sends them again)`);
  if (w.pausedBatches) parts.push(`${w.pausedBatches} paused batch(es)`);
  io.out.write(`Nothing left that a machine can finish by itself; waiting for a person: ${parts.join(', ')}.\n`);
  return 1;
}
