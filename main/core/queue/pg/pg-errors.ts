/**
 * Which errors mean "the studio queue's database cannot be reached right now" (the engine then pauses this
 * machine's work with the reason shown, and carries on when the database answers), as opposed to a refusal by the
 * database (a bug, a constraint) that must surface as it is.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN']);

/** SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, restart, cannot connect now). */
const SQLSTATE = /^(08\d{3}|57P0[1-4]|53300)$/;

const MESSAGES = /Connection terminated|Query read timeout|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly|the database system is (starting up|shutting down)|Cannot use a pool after calling end/i;

export function isStoreUnreachable(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
  if (!err) return false;
  const code = typeof err.code === 'string' ? err.code : '';
  if (NETWORK_CODES.has(code) || SQLSTATE.test(code)) return true;
  if (typeof err.message === 'string' && MESSAGES.test(err.message)) return true;
  return err.cause !== undefined && err.cause !== e && isStoreUnreachable(err.cause);
}
