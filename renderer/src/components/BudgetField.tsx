/** The spend cap of the sheet about to be queued: typed in dollars, empty for no cap. */
import { useEffect, useState } from 'react';
import { useImportStore } from '../state/importer';
import { DollarInput } from './DollarInput';

const MAX_CAP_USD = 100_000;

/** The cap a typed text means: a positive amount in cents (at most the contract's maximum), or null for none. */
export function capOf(text: string): number | null {
  const n = Math.round(Number(text) * 100) / 100;
  return text.trim() !== '' && Number.isFinite(n) && n > 0 ? Math.min(n, MAX_CAP_USD) : null;
}

export function BudgetField() {
  const budgetUsd = useImportStore((s) => s.budgetUsd);
  const setBudget = useImportStore((s) => s.setBudget);
  const [text, setText] = useState(budgetUsd === null ? '' : String(budgetUsd));
  // The cap can change from elsewhere (reset with the kept defaults, a draft opened): show what is in force.
  useEffect(() => {
    setText((t) => (capOf(t) === budgetUsd ? t : budgetUsd === null ? '' : String(budgetUsd)));
  }, [budgetUsd]);
  return (
    <label>
      Stop if spend would pass ${' '}
      <DollarInput
        testId="budget-input"
        aria-label="Spend cap in US dollars (empty: no cap)"
        value={text}
        placeholder="no cap"
        onChange={(e) => {
          setText(e.target.value);
          setBudget(capOf(e.target.value));
        }}
      />
    </label>
  );
}
