import { DELIMITER_CHOICES, ENCODING_CHOICES, delimiterLabel, encodingLabel } from '../import/files';
import { useImportStore, type SheetInfo } from '../state/importer';

/** What was detected in the file (format, encoding, delimiter, sheet), each one overridable. */
export function ReadOptionsBar({ info }: { info: SheetInfo }) {
  const { options, reread, busy } = useImportStore();
  const text = info.format !== 'xlsx';
  return (
    <div className="controls read-options" role="group" aria-label="How the file is read">
      <span>
        Format: <strong data-testid="detected-format">{info.format.toUpperCase()}</strong>
      </span>
      {text && (
        <label>
          Encoding{' '}
          <select
            data-testid="encoding-select"
            disabled={busy}
            value={options.encoding ?? ''}
            onChange={(e) => void reread({ encoding: e.target.value || undefined })}
          >
            <option value="">Detected: {encodingLabel(info.encoding)}</option>
            {ENCODING_CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
      )}
      {text && (
        <label>
          Delimiter{' '}
          <select
            data-testid="delimiter-select"
            disabled={busy}
            value={options.delimiter ?? ''}
            onChange={(e) => void reread({ delimiter: (e.target.value || undefined) as (typeof DELIMITER_CHOICES)[number]['value'] | undefined })}
          >
            <option value="">Detected: {delimiterLabel(info.delimiter)}</option>
            {DELIMITER_CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
      )}
      {!text && info.sheetNames && (
        <label>
          Workbook sheet{' '}
          <select data-testid="sheet-select" disabled={busy} value={info.sheetName ?? ''} onChange={(e) => void reread({ sheet: e.target.value })}>
            {info.sheetNames.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}
