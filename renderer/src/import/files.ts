/** Which dropped or picked files the importer takes, and the template download. */
import { templateCsv } from '../editor/sheet';

const SHEET_EXTENSIONS = ['csv', 'tsv', 'txt', 'xlsx'] as const;
export const SHEET_ACCEPT = SHEET_EXTENSIONS.map((e) => `.${e}`).join(',');

export function isSheetFileName(name: string): boolean {
  const m = /\.([a-z0-9]+)$/i.exec(name);
  return !!m && (SHEET_EXTENSIONS as readonly string[]).includes(m[1]!.toLowerCase());
}

/** The plain message for a file the importer does not take. */
export function refusalOf(name: string): string {
  return `“${name}” is not a spreadsheet the importer reads: drop a CSV, TSV or Excel (.xlsx) file.`;
}

/** The delimiters a text sheet may use, with words a person recognises. */
export const DELIMITER_CHOICES: ReadonlyArray<{ value: ',' | ';' | '\t' | '|'; label: string }> = [
  { value: ',', label: 'Comma ,' },
  { value: ';', label: 'Semicolon ;' },
  { value: '\t', label: 'Tab' },
  { value: '|', label: 'Pipe |' },
];

export const ENCODING_CHOICES: ReadonlyArray<{ value: string; label: string }> = [
  { value: 'utf-8', label: 'UTF-8' },
  { value: 'windows-1252', label: 'Windows-1252 (Western European Excel)' },
  { value: 'utf-16le', label: 'UTF-16 LE' },
  { value: 'utf-16be', label: 'UTF-16 BE' },
  { value: 'iso-8859-2', label: 'ISO-8859-2 (Central European)' },
  { value: 'macintosh', label: 'Mac Roman (Excel for Mac “CSV (Macintosh)”)' },
  { value: 'ibm850', label: 'DOS CP850 (Excel “CSV (MS-DOS)”)' },
];

export const delimiterLabel = (d: string | null) => DELIMITER_CHOICES.find((c) => c.value === d)?.label ?? (d ?? '—');
export const encodingLabel = (e: string | null) => ENCODING_CHOICES.find((c) => c.value === e)?.label ?? (e ?? '—');

/** Saves the template sheet through the browser's download (a Blob URL, released right after). */
export function downloadTemplate(model?: string): void {
  const blob = new Blob([templateCsv(model ? { model } : {})], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = 'venice-batch-template.csv';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
