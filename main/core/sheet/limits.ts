/**
 * Limits the sheet import checks. Venice's are mirrored from core/venice/schemas.ts rather than imported, so a
 * renderer bundle that imports sheet/ does not pull in zod (a unit test keeps the two equal). The size limits are
 * the product's own: every sheet up to them reads, every sheet past them is refused with a message saying so.
 */

/** Prompt limit when a model publishes none (schemas.ts DEFAULT_PROMPT_LIMIT). */
export const DEFAULT_PROMPT_LIMIT = 2500;
/** schemas.ts NEGATIVE_PROMPT_LIMIT. */
export const NEGATIVE_PROMPT_LIMIT = 2500;
/**
 * Largest image the product will send. Venice answers 413 above ~25 MB per request and a data: URL is 4/3 of the
 * file, so 18 MB (24 MB encoded) leaves room for the rest of the request.
 */
export const IMAGE_LIMIT_BYTES = 18 * 1024 * 1024;

/**
 * Most data rows in one sheet. Every row is a paid clip: 200,000 is far past any real batch, yet it reads in a few
 * seconds without holding the thread (see bench/sheet-parse.ts), so nothing a studio writes is refused.
 */
export const MAX_SHEET_ROWS = 200_000;
/** Largest CSV/TSV file read (bytes). 200,000 rows of 500-character prompts fit. */
export const MAX_TEXT_SHEET_BYTES = 128 * 1024 * 1024;
/**
 * XLSX parts (workbook, styles, shared strings, the sheet read) may unpack to at most this many bytes in all. Checked
 * against the zip's own table before anything is unpacked, and again while unpacking (a table can lie).
 */
export const XLSX_MAX_UNPACKED_BYTES = 200 * 1024 * 1024;
/** Most cells (written cells, empty ones included) in the sheet read from a workbook: 200,000 rows of 10 columns. */
export const XLSX_MAX_CELLS = 2_000_000;
/** The header row is looked for among this many first non-blank rows. */
export const HEADER_SEARCH_ROWS = 20;
