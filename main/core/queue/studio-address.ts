/**
 * The studio queue's address as a person may see it: the whole postgres:// URL with its password masked, so the
 * user can tell which server, port, database and user a machine is on without the secret ever being printed, sent
 * to the window or logged.
 */
export const MASK = '•••••';

export function maskStudioUrl(url: string | null | undefined): string | null {
  const text = url?.trim();
  if (!text) return null;
  try {
    const u = new URL(text);
    if (u.password) u.password = 'MASKED';
    // Query parameters may carry a secret too (?password=..., sslpassword, sslkey): never show those.
    for (const k of [...u.searchParams.keys()]) if (/pass|key|secret|token/i.test(k)) u.searchParams.delete(k);
    return u.toString().replace(':MASKED@', `:${MASK}@`);
  } catch {
    return 'postgres:// (unreadable address)';
  }
}
