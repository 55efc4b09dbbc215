/**
 * Scrubs secrets from text before it can reach a log line, an error message, the database or the renderer:
 * the API key itself, anything that looks like a bearer token, and the query string of pre-signed URLs
 * (their signature is a credential for ~24 h).
 */
const secrets = new Set<string>();

/** Registers a value (the API key) that must never be printed. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[redacted]');
  out = out.replace(/(bearer\s+)[A-Za-z0-9._~+/=-]{6,}/gi, '$1[redacted]');
  // Pre-signed links: keep scheme, host and path shape, drop the signature.
  out = out.replace(/(https?:\/\/[^\s?"']+)\?[^\s"']*/gi, '$1?[redacted]');
  return out;
}
