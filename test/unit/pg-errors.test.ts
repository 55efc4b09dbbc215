/**
 * Which database errors pause a machine's work ("the studio queue cannot be reached") and which surface as they are.
 * A query that never answers (the server vanished without closing the connection) must count as unreachable once
 * node-postgres gives up on it, or the scheduler would report it as a bug and go on hammering.
 */
import { describe, expect, it } from 'vitest';
import { isStoreUnreachable } from '../../main/core/queue/pg/pg-errors';

const withCode = (code: string) => Object.assign(new Error('x'), { code });

describe('isStoreUnreachable', () => {
  it('counts network failures, connection SQLSTATEs, a server shutting down and a query that timed out', () => {
    for (const e of [withCode('ECONNREFUSED'), withCode('ECONNRESET'), withCode('08006'), withCode('57P01'), withCode('53300')]) expect(isStoreUnreachable(e)).toBe(true);
    expect(isStoreUnreachable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isStoreUnreachable(new Error('Query read timeout'))).toBe(true);
    expect(isStoreUnreachable(new Error('wrapped', { cause: withCode('ETIMEDOUT') }))).toBe(true);
  });

  it('leaves refusals by a working database as they are', () => {
    expect(isStoreUnreachable(withCode('23505'))).toBe(false); // unique violation: a bug, not an outage
    expect(isStoreUnreachable(withCode('42P01'))).toBe(false); // undefined table
    expect(isStoreUnreachable(new Error('Row 3 is not ready'))).toBe(false);
    expect(isStoreUnreachable(undefined)).toBe(false);
  });
});
