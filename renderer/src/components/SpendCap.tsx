/**
 * A queued batch's spend cap, where the batch is watched: shown, and raised, lowered or removed in place. main checks
 * the new cap (never below what is already used) and says why when it refuses.
 */
import { useEffect, useState } from 'react';
import { usd } from '../format';
import { useBatchStore, type BatchView } from '../state/batches';
import { capOf } from './BudgetField';
import { DollarInput } from './DollarInput';

export function SpendCap({ batch, editing, setEditing }: { batch: BatchView; editing: boolean; setEditing: (on: boolean) => void }) {
  const setBudget = useBatchStore((s) => s.setBudget);
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const open = () => {
    setProblem(undefined);
    setEditing(true);
  };
  const apply = async (cap: number | null) => {
    setBusy(true);
    const refused = await setBudget(batch.id, cap);
    setBusy(false);
    setProblem(refused);
    if (!refused) setEditing(false);
  };
  // Opened from elsewhere (Resume refused at the cap): start from the cap in force.
  useEffect(() => {
    if (editing) setText(batch.budgetUsd === null ? '' : batch.budgetUsd.toFixed(2));
  }, [editing, batch.budgetUsd]);
  const typed = capOf(text);
  if (!editing)
    return (
      <span className="spend-cap" data-testid="spend-cap">
        {batch.budgetUsd === null ? 'No spend cap' : `Spend cap ${usd(batch.budgetUsd)}`}{' '}
        <button className="small" onClick={open} aria-label={`Change the spend cap of ${batch.name}`}>
          {batch.budgetUsd === null ? 'Set a cap' : 'Change cap'}
        </button>
      </span>
    );
  return (
    <form
      className="spend-cap editing"
      data-testid="spend-cap"
      onSubmit={(e) => {
        e.preventDefault();
        if (typed !== null) void apply(typed);
      }}
    >
      <label>
        Spend cap ${' '}
        <DollarInput
          autoFocus
          aria-label={`New spend cap of ${batch.name} in US dollars`}
          testId="spend-cap-input"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </label>{' '}
      <button className="small" type="submit" disabled={busy || typed === null}>
        Set cap
      </button>{' '}
      {batch.budgetUsd !== null && (
        <>
          <button className="small" type="button" disabled={busy} onClick={() => void apply(null)}>
            Remove cap
          </button>{' '}
        </>
      )}
      <button className="small" type="button" onClick={() => setEditing(false)}>
        Keep {batch.budgetUsd === null ? 'no cap' : usd(batch.budgetUsd)}
      </button>
      {problem && (
        <span className="error" role="alert" data-testid="spend-cap-problem">
          {' '}
          {problem}
        </span>
      )}
    </form>
  );
}
