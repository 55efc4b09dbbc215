/**
 * Pre-signed download links are credentials for ~24 h and Venice returns them only once, so they must be saved
 * (losing one loses a paid clip) but never in clear. They are sealed with AES-256-GCM under a key derived from the
 * Venice API key: whoever can open them could fetch the clip with the API key anyway, and nothing new is stored.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const INFO = Buffer.from('venice-batch download-url v1');
const SALT = Buffer.from('venice-batch');

function keyFrom(apiKey: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(apiKey, 'utf8'), SALT, INFO, 32));
}

export function sealUrl(url: string, apiKey: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(apiKey), iv);
  const ct = Buffer.concat([cipher.update(url, 'utf8'), cipher.final()]);
  return `v1:${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64')}`;
}

export class UrlVaultError extends Error {
  override readonly name = 'UrlVaultError';
}

export function openUrl(sealed: string, apiKey: string): string {
  if (!sealed.startsWith('v1:')) throw new UrlVaultError('Unknown download-link format');
  const raw = Buffer.from(sealed.slice(3), 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFrom(apiKey), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new UrlVaultError(
      'The saved download link was sealed with a different API key. Set back the key this batch was queued with to fetch the clip.',
    );
  }
}
