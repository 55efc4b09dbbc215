/**
 * Errors the app's operations raise for the user to read, and the one mapping from any thrown value to what a
 * transport may send back: a short code and a plain message, scrubbed of secrets. Stacks and causes stay in main.
 */
import { EngineBusyError } from '../queue/engine-lock';
import { MediaToolsMissingError } from '../media/ffmpeg-binaries';
import { KeychainUnavailableError } from '../secrets/secret-store';
import { isSheetReadError } from '../sheet';
import { isVeniceError } from '../venice/errors';
import { redact } from '../venice/redact';
import { KeyCheckError } from './key-check';

export const ERROR_CODES = [
  'invalid_input',
  'not_found',
  'invalid',
  'conflict',
  'confirm',
  'needs_key',
  'key_rejected',
  'keychain_unavailable',
  'sheet',
  'venice',
  'busy',
  'media_tools',
  'forbidden',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

/** What may be told about a failure. Unknown errors get a generic sentence: their text may hold anything. */
export function describeError(e: unknown): ErrorInfo {
  const info = ((): ErrorInfo => {
    if (e instanceof UserError) return { code: e.code, message: e.message };
    if (isSheetReadError(e)) return { code: 'sheet', message: e.message };
    if (e instanceof KeyCheckError) return { code: 'key_rejected', message: e.message };
    if (e instanceof KeychainUnavailableError) return { code: 'keychain_unavailable', message: e.message };
    if (e instanceof EngineBusyError) return { code: 'busy', message: e.message };
    if (e instanceof MediaToolsMissingError) return { code: 'media_tools', message: e.message };
    if (isVeniceError(e)) return { code: 'venice', message: `Venice: ${e.message}` };
    return { code: 'internal', message: 'Something went wrong inside the app. The details are in the log; try again.' };
  })();
  return { code: info.code, message: redact(info.message) };
}
