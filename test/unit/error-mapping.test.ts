import { describe, expect, it } from 'vitest';
import { errorFromStatus, errorFromTransport } from '../../main/core/venice/error-mapping';
import { readResponseMeta } from '../../main/core/venice/response-meta';
import { TransportError } from '../../main/core/venice/transport';

const meta = (status: number, headers: Record<string, string> = {}) => readResponseMeta(status, headers);

describe('error mapping (statuses the simulator has no reason to send)', () => {
  it('403 and 409 are row/batch problems, not retried', () => {
    expect(errorFromStatus('queue', meta(403), '{"error":"API disabled"}')).toMatchObject({ kind: 'forbidden', retryable: false, mayHaveBeenCharged: false });
    const consent = errorFromStatus('queue', meta(409), '{"error":{"code":"needs_consent","message":"Accept the terms"}}');
    expect(consent).toMatchObject({ kind: 'needs_consent', consentCode: 'needs_consent' });
    expect(consent.message).toMatch(/consent/);
  });
  it('504 on queue may have been charged', () => {
    expect(errorFromStatus('queue', meta(504), '')).toMatchObject({ kind: 'server_error', mayHaveBeenCharged: true, retryable: false });
  });
  it('reads zod-style details and flat issues', () => {
    const e = errorFromStatus('queue', meta(400), JSON.stringify({ error: 'bad', details: { _errors: [], prompt: { _errors: ['too long'] } } }));
    expect(e.fieldErrors).toEqual([{ field: 'prompt', message: 'too long' }]);
    const i = errorFromStatus('queue', meta(400), JSON.stringify({ error: 'bad', issues: [{ path: ['duration'], message: 'nope' }] }));
    expect(i.fieldErrors).toEqual([{ field: 'duration', message: 'nope' }]);
  });
  it('a transport failure before connecting was never delivered', () => {
    const e = errorFromTransport('queue', new TransportError('refused', 'ECONNREFUSED', 'no', false));
    expect(e).toMatchObject({ mayHaveBeenCharged: false, retryable: true, kind: 'network' });
    const t = errorFromTransport('queue', new TransportError('slow', 'ETIMEDOUT', 'maybe', true));
    expect(t).toMatchObject({ mayHaveBeenCharged: true, retryable: false, kind: 'timeout' });
  });
});
