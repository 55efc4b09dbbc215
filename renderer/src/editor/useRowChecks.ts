/**
 * The editor's live row checks as React state: what is cached (or cheap) at once, the rest checked in slices in the
 * background (row-checks.ts), the screen updated as they come in. An edit checks its row in the same render.
 */
import { useEffect, useMemo, useState } from 'react';
import type { BatchDefaults, ColumnMapping } from './sheet';
import { checkRest, checksNow, type RowChecks } from './row-checks';
import type { EditRow, ModelView } from './rows';

export function useRowChecks(rows: readonly EditRow[], models: readonly ModelView[], defaults: BatchDefaults, mapping: ColumnMapping): RowChecks {
  const first = useMemo(() => checksNow(rows, models, defaults, mapping), [rows, models, defaults, mapping]);
  const [later, setLater] = useState<{ from: RowChecks; checks: RowChecks } | undefined>(undefined);
  useEffect(() => {
    if (first.done) return;
    let stale = false;
    void checkRest(rows, first, models, defaults, mapping, {
      stale: () => stale,
      onProgress: (checks) => setLater({ from: first, checks }),
      // Each step re-renders the editor (whose drag-and-drop walks every row): a few a second is progress enough.
      everyMs: 500,
    });
    return () => {
      stale = true;
    };
  }, [first, rows, models, defaults, mapping]);
  // Progress of an earlier set of rows (or defaults) never shows over the current one.
  return later && later.from === first ? later.checks : first;
}
