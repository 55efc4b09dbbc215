import { describe, expect, it } from 'vitest';
import { openUrl, sealUrl, UrlVaultError } from '../../main/core/queue/url-vault';

describe('url vault', () => {
  const url = 'https://private-share.example/v1/share/read/abc?sig=secret';
  it('round-trips and never stores the link in clear', () => {
    const sealed = sealUrl(url, 'key-one-123456');
    expect(sealed).not.toContain('private-share');
    expect(sealed).not.toContain('secret');
    expect(openUrl(sealed, 'key-one-123456')).toBe(url);
  });
  it('refuses to open with another key, saying what to do', () => {
    const sealed = sealUrl(url, 'key-one-123456');
    expect(() => openUrl(sealed, 'key-two-654321')).toThrow(UrlVaultError);
    expect(() => openUrl(sealed, 'key-two-654321')).toThrow(/different API key/);
  });
});
