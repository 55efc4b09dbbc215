import { describe, expect, it } from 'vitest';
import { redact, registerSecret } from '../../main/core/venice/redact';

describe('redact', () => {
  it('removes a registered key wherever it appears', () => {
    registerSecret('vk-canary-1234567890');
    expect(redact('failed with vk-canary-1234567890 in it')).toBe('failed with [redacted] in it');
  });
  it('removes bearer tokens and pre-signed query strings', () => {
    expect(redact('Authorization: Bearer abcdef123456')).toBe('Authorization: Bearer [redacted]');
    expect(redact('GET https://cdn.example.com/v/clip.mp4?X-Amz-Signature=deadbeef&exp=1 failed')).toBe(
      'GET https://cdn.example.com/v/clip.mp4?[redacted] failed',
    );
  });
});
