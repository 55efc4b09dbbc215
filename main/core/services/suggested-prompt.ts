/**
 * "Use suggested prompt": a row Venice refused under its content policy, with a prompt Venice suggested instead,
 * gets that prompt and a new attempt, in one step the user chose. The old attempt and its error stay in the
 * row's history; the log says the prompt was changed and from what.
 */
import type { AppServices } from './app-services';
import { UserError } from './app-errors';
import { rowViewOf, type RowView } from './views';

export async function useSuggestedPrompt(app: AppServices, rowId: number): Promise<RowView> {
  const store = app.queue;
  const row = await store.getRow(rowId);
  if (!row) throw new UserError('not_found', `There is no row ${rowId}.`);
  const suggested = row.suggestedPrompt?.trim();
  if (row.state !== 'failed' || !suggested) throw new UserError('invalid', `Row ${row.rowIndex} has no suggested prompt to use.`);
  await store.tx(async (t) => {
    await t.setRowParams(rowId, { ...row.params, prompt: suggested });
    await t.addEvent(row.batchId, rowId, 'prompt', 'You used the prompt Venice suggested', { before: row.params.prompt });
  });
  await app.batches.retry([rowId]);
  const after = await store.getRow(rowId);
  if (!after) throw new UserError('not_found', `There is no row ${rowId}.`);
  return rowViewOf(store, after);
}
