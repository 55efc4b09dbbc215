/**
 * How the CLI reads a sheet: the same read options the app's import panel offers (--sheet, --encoding, --delimiter,
 * --header-row) and a mapping profile saved in the app (--profile NAME), turned into the core's ImportOptions.
 */
import { canonicalEncoding, isSheetReadError, type Delimiter, type ImportOptions } from '../core/sheet';
import { MappingProfiles, profileOverride } from '../core/services/mapping-profiles';
import { UsageError, intOption, type CliValues } from './args';

const DELIMITER_WORDS: Record<string, Delimiter> = {
  ',': ',',
  comma: ',',
  ';': ';',
  semicolon: ';',
  '\t': '\t',
  '\\t': '\t',
  tab: '\t',
  '|': '|',
  pipe: '|',
};

export const ENCODING_CHOICES = 'utf-8, utf-16le, utf-16be, windows-1252, macintosh (Mac Roman) or ibm850 (DOS CP850)';

export function readOptionsFrom(values: CliValues, dataDir: string): ImportOptions {
  const opts: ImportOptions = {};
  if (values.sheet !== undefined) {
    if (values.sheet.trim() === '') throw new UsageError('--sheet needs the name of a workbook sheet');
    opts.sheet = values.sheet;
  }
  if (values.encoding !== undefined) {
    try {
      opts.encoding = canonicalEncoding(values.encoding);
    } catch (e) {
      if (isSheetReadError(e)) throw new UsageError(`--encoding "${values.encoding}" is not an encoding this app knows: use ${ENCODING_CHOICES}`);
      throw e;
    }
  }
  if (values.delimiter !== undefined) {
    const d = DELIMITER_WORDS[values.delimiter.toLowerCase()];
    if (!d) throw new UsageError(`--delimiter takes , ; tab or | (got "${values.delimiter}")`);
    opts.delimiter = d;
  }
  const headerRow = intOption(values['header-row'], 'header-row', 1, 1_048_576);
  if (headerRow !== undefined) opts.headerRow = headerRow;
  if (values.profile !== undefined) {
    const profiles = new MappingProfiles(dataDir);
    const found = profiles.find(values.profile);
    if (!found) {
      const names = profiles.list().profiles.map((p) => `"${p.name}"`);
      throw new UsageError(
        names.length > 0
          ? `There is no mapping profile named "${values.profile}". Saved profiles: ${names.join(', ')}.`
          : `There is no mapping profile named "${values.profile}": none are saved yet. Save one from the column mapping in the app.`,
      );
    }
    opts.mapping = profileOverride(found);
  }
  return opts;
}
