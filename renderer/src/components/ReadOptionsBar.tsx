import { DELIMITER_CHOICES, ENCODING_CHOICES, delimiterLabel, encodingLabel } from '../import/files';
import { encodingSample } from '../import/mapping';
import { useImportStore, type SheetInfo } from '../state/importer';

const HEADER_ROWS = Array.from({ length: 20 }, (_, i) => i + 1);

/**
 * What was detected in the file (format, encoding, delimiter, sheet, header row), each one overridable. A workbook of
 * several sheets always shows its sheet picker (hidden sheets marked), even when the sheet read had no prompt column;
 * an encoding that was only guessed shows how the text reads each way and asks.
 */
export function ReadOptionsBar({ info }: { info: SheetInfo }) {
  const { options, reread, busy, file } = useImportStore();
  const text = info.format !== 'xlsx';
  const hidden = new Set(info.hiddenSheets ?? []);
  const sheets = info.sheetNames ?? [];
  const unsure = text && !info.encodingSure && options.encoding === undefined && info.encoding !== null;
  return (
    <>
      <div className="controls read-options" role="group" aria-label="How the file is read">
        <span>
          Format: <strong data-testid="detected-format">{info.format.toUpperCase()}</strong>
        </span>
        {sheets.length > 1 && (
          <label>
            Workbook sheet{' '}
            <select data-testid="sheet-select" disabled={busy} value={info.sheetName ?? ''} onChange={(e) => void reread({ sheet: e.target.value, headerRow: undefined })}>
              {info.sheetName === null && <option value="">Choose a sheet…</option>}
              {sheets.map((n) => (
                <option key={n} value={n}>
                  {hidden.has(n) ? `${n} (hidden)` : n}
                </option>
              ))}
            </select>
          </label>
        )}
        {text && (
          <label>
            Encoding{' '}
            <select
              data-testid="encoding-select"
              disabled={busy}
              value={options.encoding ?? ''}
              onChange={(e) => void reread({ encoding: e.target.value || undefined })}
            >
              <option value="">
                {info.encodingSure ? 'Detected' : 'Guessed'}: {encodingLabel(info.encoding)}
              </option>
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
        {info.headerRow > 0 && (
          <label>
            Header row{' '}
            <select
              data-testid="header-row-select"
              disabled={busy}
              value={options.headerRow ?? ''}
              onChange={(e) => void reread({ headerRow: e.target.value ? Number(e.target.value) : undefined })}
            >
              <option value="">Detected: row {info.headerRow}</option>
              {HEADER_ROWS.map((n) => (
                <option key={n} value={n}>
                  Row {n}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {unsure && file && (
        <div className="warn encoding-ask" role="group" aria-label="Which encoding is right" data-testid="encoding-unsure">
          <p>
            This file does not say which encoding it uses, and more than one fits: it was read as <strong>{encodingLabel(info.encoding)}</strong>. Check the
            accented letters, and pick the reading that looks right:
          </p>
          <ul>
            {[info.encoding!, ...info.encodingAlternatives].map((enc) => (
              <li key={enc}>
                <button disabled={busy} data-testid={`encoding-choice-${enc}`} onClick={() => void reread({ encoding: enc })}>
                  {enc === info.encoding ? 'Keep' : 'Use'} {encodingLabel(enc)}
                </button>{' '}
                <q className="sample">{encodingSample(file.bytes, enc)}</q>
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
