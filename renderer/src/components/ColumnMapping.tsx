import { useState } from 'react';
import { CANONICAL_COLUMNS, type CanonicalColumn } from '../editor/sheet';
import { columnTitle, matchingProfiles, overrideOf, sameMapping, unmappedHeaders, withColumn } from '../import/mapping';
import { useImportStore, type SheetInfo } from '../state/importer';

const NOT_HERE = '';

/** For each canonical column, which sheet header feeds it; saved profiles to apply and to save. */
export function ColumnMapping({ info }: { info: SheetInfo }) {
  const { reread, busy, profiles, profilesWarning, saveProfile, deleteProfile, appliedProfile } = useImportStore();
  const [name, setName] = useState(appliedProfile ?? '');
  const [message, setMessage] = useState<string | undefined>();
  // Open when the sheet needs a hand with its prompt column; then it stays as the user leaves it.
  const [open, setOpen] = useState(!info.mapping.prompt);
  const fits = matchingProfiles(profiles, info.headers);
  const extras = unmappedHeaders(info.headers, info.mapping);

  const choose = (column: CanonicalColumn, header: string) => void reread({ mapping: withColumn(info.mapping, column, header === NOT_HERE ? null : header) });

  return (
    <details className="mapping" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        Column mapping{appliedProfile ? <span className="muted"> · profile “{appliedProfile}”</span> : null}
      </summary>
      <div className="mapping-grid" role="group" aria-label="Which sheet column holds each field">
        {CANONICAL_COLUMNS.map((column) => (
          <label key={column}>
            <span>{columnTitle(column)}</span>
            <select
              aria-label={`Sheet column for ${columnTitle(column).toLowerCase()}`}
              data-testid={`map-${column}`}
              value={info.mapping[column] ?? NOT_HERE}
              disabled={busy}
              onChange={(e) => choose(column, e.target.value)}
            >
              <option value={NOT_HERE}>(not in this sheet)</option>
              {info.headers
                .filter((h) => h !== '')
                .map((h) => (
                  <option key={h} value={h}>
                    {h}
                  </option>
                ))}
            </select>
          </label>
        ))}
      </div>
      {extras.length > 0 && (
        <p className="muted" data-testid="extra-columns">
          Kept as extra columns, usable in the file-name template as {extras.map((h) => `{${h}}`).join(', ')}.
        </p>
      )}
      {profilesWarning && <p className="warn">{profilesWarning}</p>}
      <div className="controls">
        {fits
          .filter((p) => !sameMapping(p.mapping, info.mapping))
          .map((p) => (
            <button key={p.name} disabled={busy} onClick={() => void reread({ mapping: overrideOf(p.mapping) }).then(() => useImportStore.setState({ appliedProfile: p.name }))}>
              Apply profile “{p.name}”
            </button>
          ))}
        <label>
          Save this mapping as{' '}
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Studio A" aria-label="Mapping profile name" maxLength={100} />
        </label>
        <button
          disabled={busy || name.trim() === '' || !info.mapping.prompt}
          onClick={() => void saveProfile(name).then((err) => setMessage(err ?? `Saved “${name.trim()}”: sheets with these headers use it by themselves.`))}
        >
          Save profile
        </button>
        {profiles.some((p) => p.name.toLowerCase() === name.trim().toLowerCase()) && (
          <button onClick={() => void deleteProfile(name.trim()).then(() => setMessage(`Deleted “${name.trim()}”.`))}>Delete profile</button>
        )}
      </div>
      {message && (
        <p className="muted" role="status">
          {message}
        </p>
      )}
    </details>
  );
}
