/**
 * Venice's limits the sheet checks before anything is sent. Mirrored from core/venice/schemas.ts rather than
 * imported, so a renderer bundle that imports sheet/ does not pull in zod (a unit test keeps the two equal).
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
