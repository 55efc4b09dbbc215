/** An amount of US dollars typed to the cent (the spend caps): the same field wherever a cap is set. */
import type { InputHTMLAttributes } from 'react';

type Props = Pick<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'placeholder' | 'autoFocus' | 'aria-label'> & { testId: string };

export function DollarInput({ testId, ...rest }: Props) {
  return <input type="number" min="0.01" step="0.01" inputMode="decimal" className="narrow" data-testid={testId} {...rest} />;
}
