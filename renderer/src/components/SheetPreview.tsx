/**
 * The sheet read and ready to edit: what it makes (rows, takes, clips), what it costs, the table, the spend cap and
 * the queue button. Every figure about money here comes from ONE live quote (useLiveQuote), so the total, the cap
 * check, the confirmation and the button always agree with the table; and the button says why when it is off.
 */
import { useState } from 'react';
import { usd, withModelNames } from '../format';
import { clipCountText, NO_CHECKS, plural } from '../editor/live-quote';
import { blockedBy, spendConfirmed, type SpendConfirmation } from '../editor/queue-gate';
import { useLiveQuote } from '../editor/useLiveQuote';
import { useRowChecks } from '../editor/useRowChecks';
import { useEditorStore } from '../state/editor';
import { defaultsChanged, useImportStore } from '../state/importer';
import { useSettingsStore } from '../state/settings';
import { BatchEditor } from './BatchEditor';
import { BudgetField } from './BudgetField';
import { CarryOverNotice } from './CarryOver';

export function SheetPreview({ onQueued, onDiscard }: { onQueued: () => void; onDiscard: () => void }) {
  const models = useSettingsStore((s) => s.models);
  const { busy, preview, queue, defaults, budgetUsd, carryOver } = useImportStore();
  const rows = useEditorStore((s) => s.rows);
  const mapping = useEditorStore((s) => s.mapping);
  const rowsEdited = useEditorStore((s) => s.rows !== s.baseline);
  const sentKey = useImportStore((s) => s.sentKey);
  // Changed defaults count as an edit: the rows are sent again (and priced again by main) before queueing.
  const edited = rowsEdited || (preview !== undefined && defaultsChanged({ defaults, sentKey }, mapping));
  // Checked in slices when there are many (a 100,000-row sheet): the grid and figures fill in as they come.
  const rowChecks = useRowChecks(rows, models, defaults, mapping);
  const checks = rowChecks.list;
  const rehearsal = preview?.rehearsal ?? true;
  // Priced once every row is checked: each pass of the quote walks every row, too much for each progress step.
  const live = useLiveQuote(rowChecks.done ? checks : NO_CHECKS, rehearsal);
  // Until every row is checked and counted (a big sheet's quote is worked out in slices too), nothing is totalled:
  // the summary says how far the checking is, the table "Pricing…" rather than $0.00.
  const ready = rowChecks.done && !live.pending;
  const quote = ready ? live : { ...live, total: { usd: 0, complete: false } };
  const invalid = rowChecks.checked - quote.count.rows;
  // A confirmed amount is that amount for that many clips: when the quote settles on another, the user confirms
  // again. A quote still being worked out (a big sheet's is, in slices, after each edit) neither confirms nor
  // clears a confirmation: an edit that leaves the total as it was keeps the tick.
  const [confirmed, setConfirmed] = useState<SpendConfirmation | null>(null);
  const confirmSpend = spendConfirmed(confirmed, { settled: ready, usd: quote.total.usd, clips: quote.count.clips });
  const [allowDuplicate, setAllowDuplicate] = useState(false);
  if (!preview) return null;

  const total = quote.total;
  const amount = `${usd(total.usd)}${total.complete ? '' : ' so far'}`;
  const overBudget = budgetUsd !== null && total.usd > budgetUsd + 1e-9;
  const clips = plural(quote.count.clips, 'clip');
  const blocked = blockedBy({
    checking: !ready,
    invalid,
    valid: quote.count.rows,
    carryOver: carryOver !== null,
    quote,
    real: !rehearsal,
    confirmSpend,
    duplicateOf: preview.existingBatchId,
    allowDuplicate,
  });
  const canQueue = !busy && blocked === null;
  const send = () =>
    void queue({ confirmSpend, allowDuplicate, confirmedUsd: total.usd }).then((result) => {
      if (result === 'queued') onQueued();
      if (result === 'repriced') setConfirmed(null);
    });

  return (
    <div className="preview">
      <p>
        <strong>{preview.fileName}</strong>
        {edited && <span className="muted"> (edited)</span>}:{' '}
        <span data-testid="editor-summary">
          {ready ? (
            <>
              {plural(quote.count.rows, 'row')} ready
              {invalid > 0 && <span className="error">, {plural(invalid, 'needs', 'need')} fixing</span>}
            </>
          ) : (
            !rowChecks.done ? `Checking rows: ${rowChecks.checked.toLocaleString('en-US')} of ${checks.length.toLocaleString('en-US')}…` : 'Adding up the rows…'
          )}
        </span>
        {ready && (
          <>
            {' · '}
            <span data-testid="clip-count">{clipCountText(quote.count)}</span>
          </>
        )}
        {quote.count.rows > 0 && (
          <>
            {' · '}about <span data-testid="quote-total">{amount}</span> {rehearsal ? '(Rehearsal: nothing is charged)' : 'of real money'}
          </>
        )}
      </p>
      {quote.problem && <p className="warn">{quote.problem}</p>}
      {preview.catalogWarning && <p className="warn">{preview.catalogWarning}</p>}
      {preview.warnings.map((w, i) => (
        <p key={i} className="warn">
          {w.row !== null ? `Row ${w.row}: ` : ''}
          {withModelNames(w.message, models)}
        </p>
      ))}
      <CarryOverNotice />
      <BatchEditor rows={rows} checks={checks} quote={quote} defaults={defaults} />
      <div className="controls">
        <BudgetField />
        <span className="muted" data-testid="cap-quote">
          quote total {amount}
        </span>
        {overBudget && (
          <span className="warn" role="status" data-testid="budget-warning">
            The quote ({usd(total.usd)}) is above your cap ({usd(budgetUsd)}): the batch will stop before it finishes.
          </span>
        )}
      </div>
      {preview.existingBatchId !== null && (
        <label className="confirm">
          <input type="checkbox" checked={allowDuplicate} onChange={(e) => setAllowDuplicate(e.target.checked)} /> This sheet was already queued as
          batch {preview.existingBatchId}. Queue it again anyway{rehearsal ? '' : ' (every row is paid again)'}.
        </label>
      )}
      {!rehearsal && (
        <label className="confirm">
          <input
            type="checkbox"
            checked={confirmSpend}
            disabled={!total.complete}
            onChange={(e) => setConfirmed(e.target.checked ? { usd: total.usd, clips: quote.count.clips } : null)}
          /> I understand this
          spends about {usd(total.usd)} of my Venice balance for {clips}.
        </label>
      )}
      <div className="controls">
        <button className="primary" disabled={!canQueue} aria-describedby={blocked ? 'queue-blocked' : undefined} onClick={send}>
          {rehearsal ? `Queue ${clips} in Rehearsal` : `Queue ${clips}`}
        </button>
        <button onClick={onDiscard}>Discard</button>
        {blocked && (
          <span className="muted" id="queue-blocked" data-testid="queue-blocked">
            {blocked}
          </span>
        )}
      </div>
    </div>
  );
}
