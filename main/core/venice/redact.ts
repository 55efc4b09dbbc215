/**
 * Scrubs secrets from text before it can reach a log line, an error message, the database or the renderer:
 * the API key itself (and its base64, base64url, hex and percent-encoded forms: a server that echoes the
 * Authorization header back, or wraps it in a token, still must not get it stored), anything that looks like a
 * bearer token, and the query string of pre-signed URLs (their signature is a credential for ~24 h).
 *
 * The key is known from the start of the process: VENICE_API_KEY is registered when this module loads, and the
 * secret store registers the keychain's key the first time it is read (see ../secrets).
 */
const secrets = new Set<string>();
/** Longest first, so a form that contains another is replaced whole. */
let ordered: string[] = [];

/** Below this, an encoded fragment could match innocent text; real keys give far longer ones. */
const MIN_FORM_LENGTH = 8;

/**
 * The parts of `value`'s base64 encoding that do not depend on what surrounds it, for each of the three byte
 * alignments it can start at inside a longer encoded payload (a `user:key` pair, a JSON blob, a token).
 */
function base64Cores(value: Buffer): string[] {
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const padded = Buffer.concat([Buffer.alloc(shift), value]);
    const text = padded.toString('base64').replace(/=+$/, '');
    // Characters fed by the filler bytes come first; the last group may mix in whatever follows the key.
    const head = shift === 0 ? 0 : 4;
    const fullGroups = Math.floor(padded.length / 3);
    const core = text.slice(head, fullGroups * 4);
    if (core.length >= MIN_FORM_LENGTH) out.push(core);
  }
  return out;
}

function formsOf(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms = new Set<string>([value, encodeURIComponent(value), bytes.toString('hex'), bytes.toString('hex').toUpperCase()]);
  for (const core of base64Cores(bytes)) {
    forms.add(core);
    forms.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...forms].filter((f) => f.length >= MIN_FORM_LENGTH || f === value);
}

/** Registers a value (the API key) that must never be printed, stored or shown, in any of its encodings. */
export function registerSecret(value: string | undefined): void {
  const v = value?.trim();
  if (!v || v.length < 6 || secrets.has(v)) return;
  secrets.add(v);
  const all = new Set(ordered);
  for (const f of formsOf(v)) all.add(f);
  ordered = [...all].sort((a, b) => b.length - a.length);
}

/** True when the text holds a registered secret in any of its forms. */
export function containsSecret(text: string): boolean {
  return ordered.some((f) => text.includes(f));
}

export function redact(text: string): string {
  let out = text;
  for (const s of ordered) if (out.includes(s)) out = out.split(s).join('[redacted]');
  out = out.replace(/(bearer\s+)[A-Za-z0-9._~+/=-]{6,}/gi, '$1[redacted]');
  // Pre-signed links: keep scheme, host and path shape, drop the signature.
  out = out.replace(/(https?:\/\/[^\s?"']+)\?[^\s"']*/gi, '$1?[redacted]');
  return out;
}

/** Redacts every string inside a parsed JSON answer (keys included), leaving numbers, booleans and shape alone. */
export function redactDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return redact(value) as T;
  if (depth > 64 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[redact(k)] = redactDeep(v, depth + 1);
  return out as T;
}

registerSecret(process.env.VENICE_API_KEY);
