import { describe, expect, it } from 'vitest';
import { MAX_RESET_WAIT_MS, MIN_RESET_WAIT_MS, parseResetHeader, readResponseMeta } from '../../main/core/venice/response-meta';

const NOW = 1_800_000_000_000; // a fixed instant, epoch ms

describe('parseResetHeader', () => {
  it('reads the documented unix-seconds form', () => {
    expect(parseResetHeader(String(NOW / 1000 + 12), NOW)).toBe(NOW + 12_000);
  });
  it('reads epoch milliseconds', () => {
    expect(parseResetHeader(String(NOW + 7_000), NOW)).toBe(NOW + 7_000);
  });
  it('reads older duration forms: plain seconds, 1m30s, 250ms', () => {
    expect(parseResetHeader('30', NOW)).toBe(NOW + 30_000);
    expect(parseResetHeader('1m30s', NOW)).toBe(NOW + 90_000);
    expect(parseResetHeader('2.5s', NOW)).toBe(NOW + 2_500);
    expect(parseResetHeader('1500ms', NOW)).toBe(NOW + 1_500);
  });
  it('clamps a reset in the past or absurdly far away', () => {
    expect(parseResetHeader(String(NOW / 1000 - 100), NOW)).toBe(NOW + MIN_RESET_WAIT_MS);
    expect(parseResetHeader('250ms', NOW)).toBe(NOW + MIN_RESET_WAIT_MS);
    expect(parseResetHeader(String(NOW / 1000 + 86_400), NOW)).toBe(NOW + MAX_RESET_WAIT_MS);
  });
  it('ignores what it cannot read', () => {
    expect(parseResetHeader(undefined, NOW)).toBeUndefined();
    expect(parseResetHeader('', NOW)).toBeUndefined();
    expect(parseResetHeader('soon', NOW)).toBeUndefined();
    expect(parseResetHeader('5 parsecs', NOW)).toBeUndefined();
  });
});

describe('readResponseMeta', () => {
  it('reads balance, limits, deprecation and the request id', () => {
    const meta = readResponseMeta(
      200,
      {
        'x-venice-balance-usd': '12.34',
        'x-venice-balance-diem': '5',
        'x-ratelimit-limit-requests': '40',
        'x-ratelimit-remaining-requests': '39',
        'x-ratelimit-reset-requests': String(NOW / 1000 + 60),
        'x-venice-model-deprecation-warning': 'retiring on 2027-01-01',
        'cf-ray': 'abc123-AMS',
      },
      NOW,
    );
    expect(meta).toEqual({
      status: 200,
      requestId: 'abc123-AMS',
      balanceUsd: 12.34,
      balanceDiem: 5,
      deprecationWarning: 'retiring on 2027-01-01',
      rateLimit: { limit: 40, remaining: 39, resetAt: NOW + 60_000 },
    });
  });
  it('falls back to Retry-After when the reset header is missing', () => {
    expect(readResponseMeta(429, { 'retry-after': '3' }, NOW).rateLimit.resetAt).toBe(NOW + 3_000);
  });
});
