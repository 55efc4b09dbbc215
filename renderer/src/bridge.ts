/**
 * The page's one way to the app: `window.venice` in the desktop app (the preload), or, in browser mode, a small
 * HTTP client with the same shape (POST /api/<call>, events streamed from /api/events). Both answer every call
 * with the contract's envelope; `unwrap` turns a refusal into an Error with the app's own message.
 */
import type { Bridge, CallError, CallResult, EventPayload } from '../../main/contract';
import { CALL_NAMES, splitCallName, type EventName } from '../../main/contract-names';

declare global {
  interface Window {
    venice?: Bridge;
  }
}

const TOKEN_HEADER = 'x-venice-token';
const TOKEN_KEY = 'venice-batch-token';

export class BridgeError extends Error {
  readonly code: CallError['code'];
  constructor(error: CallError) {
    super(error.message);
    this.code = error.code;
  }
}

export function unwrap<T>(result: CallResult<T>): T {
  if (result.ok) return result.value;
  throw new BridgeError(result.error);
}

/** The per-run token of browser mode: read once from the address, then kept for this tab only. */
function takeToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

type Listener = (payload: unknown) => void;

/** Server-sent events read with fetch (EventSource cannot send the token header); reconnects on its own. */
function eventStream(token: string, onStatus: (connected: boolean) => void) {
  const listeners = new Map<string, Set<Listener>>();
  let started = false;

  const dispatch = (block: string) => {
    let name = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) name = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (!data.length) return;
    let payload: unknown;
    try {
      payload = JSON.parse(data.join('\n'));
    } catch {
      return;
    }
    for (const fn of listeners.get(name) ?? []) fn(payload);
  };

  const run = async () => {
    for (;;) {
      try {
        const res = await fetch('/api/events', { headers: { [TOKEN_HEADER]: token } });
        if (!res.ok || !res.body) throw new Error(`events answered ${res.status}`);
        onStatus(true);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n/g, '\n');
          let cut;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            dispatch(buffer.slice(0, cut));
            buffer = buffer.slice(cut + 2);
          }
        }
      } catch {
        // fall through to the retry below
      }
      onStatus(false);
      await new Promise((r) => setTimeout(r, 2_000));
    }
  };

  return {
    on(event: string, fn: Listener): () => void {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(fn);
      if (!started) {
        started = true;
        void run();
      }
      return () => listeners.get(event)?.delete(fn);
    },
  };
}

/** main/web.ts BYTES_CALL_TYPE and INPUT_LENGTH_HEADER: a call carrying a file sends it as a binary body. */
const BYTES_CALL_TYPE = 'application/vnd.venice.call+bytes';
const INPUT_LENGTH_HEADER = 'x-venice-input-length';

/** The file some bytes were read from (see readFrom): sent from there, the bytes are never copied in the page. */
const sourceFiles = new WeakMap<Uint8Array, Blob>();

/**
 * Says that `bytes` are the whole of `file` as read. A call carrying them then sends the file itself (a Blob the
 * browser streams from disk): 18 MB handed to fetch as bytes, or copied into a new Blob, held the page's thread for
 * half a second to seconds. Electron's IPC clones the bytes instead; this changes nothing there.
 */
export function readFrom(bytes: Uint8Array, file: Blob): void {
  if (file.size === bytes.byteLength) sourceFiles.set(bytes, file);
}

/**
 * JSON, except for an input carrying a file (`bytes`): its other fields as JSON, then the bytes as they are. Neither
 * side then base64-encodes, stringifies or parses megabytes in one block (20 MB that way held the page for seconds).
 */
function requestOf(input: unknown, token: string, fromFile: boolean): { headers: Record<string, string>; body: BodyInit } {
  if (input && typeof input === 'object' && (input as { bytes?: unknown }).bytes instanceof Uint8Array) {
    const { bytes, ...rest } = input as { bytes: Uint8Array<ArrayBuffer> };
    const head = new TextEncoder().encode(JSON.stringify(rest));
    const file = fromFile ? sourceFiles.get(bytes) : undefined;
    return {
      headers: { 'content-type': BYTES_CALL_TYPE, [INPUT_LENGTH_HEADER]: String(head.byteLength), [TOKEN_HEADER]: token },
      body: new Blob([head, file ?? bytes]),
    };
  }
  return { headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token }, body: input === undefined ? '' : JSON.stringify(input) };
}

/** A file changed or moved on disk since it was read cannot be sent from there: then the bytes read are sent. */
async function post(name: string, input: unknown, token: string): Promise<Response> {
  try {
    return await fetch(`/api/${name}`, { method: 'POST', ...requestOf(input, token, true) });
  } catch (e) {
    const bytes = (input as { bytes?: unknown } | undefined)?.bytes;
    if (!(bytes instanceof Uint8Array) || !sourceFiles.has(bytes)) throw e;
    sourceFiles.delete(bytes);
    return fetch(`/api/${name}`, { method: 'POST', ...requestOf(input, token, false) });
  }
}

export function httpBridge(token: string, onStatus: (connected: boolean) => void = () => undefined): Bridge {
  // <video>/<img> cannot send the token header: this sets the HttpOnly cookie /media/* asks for instead. Calls wait
  // for it, so no media URL reaches the page before the cookie is in place.
  const session = fetch('/api/session', { method: 'POST', headers: { [TOKEN_HEADER]: token } }).catch(() => undefined);
  const api: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
  for (const name of CALL_NAMES) {
    const [domain, verb] = splitCallName(name);
    (api[domain] ??= {})[verb] = async (input?: unknown) => {
      await session;
      const res = await post(name, input, token);
      return res.json();
    };
  }
  const events = eventStream(token, onStatus);
  const on = <E extends EventName>(event: E, fn: (payload: EventPayload<E>) => void) => events.on(event, fn as Listener);
  return Object.assign(api, { on }) as unknown as Bridge;
}

export type Transport = 'desktop' | 'browser';

export function connect(onStatus?: (connected: boolean) => void): { bridge: Bridge; transport: Transport } {
  if (window.venice) return { bridge: window.venice, transport: 'desktop' };
  return { bridge: httpBridge(takeToken(), onStatus), transport: 'browser' };
}
