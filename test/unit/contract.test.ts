/**
 * The contract: one schema pair per call name, inputs that refuse what a page should never send, outputs that
 * cannot carry the API key or a pre-signed link, and a dispatcher that never echoes what it refused.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { CALL_NAMES, EVENT_NAMES, splitCallName } from '../../main/contract-names';
import { calls, events, type Bridge } from '../../main/contract';
import { dispatch, outgoingEvent, type Handlers } from '../../main/handlers';
import { registerSecret } from '../../main/core/venice/redact';

const CANARY = 'vk-CANARY-7f3a9c1e5b2d4f6a8c0e';
registerSecret(CANARY);

const row = {
  id: 1,
  batchId: 1,
  row: 1,
  position: 1,
  take: 1,
  name: null,
  prompt: 'A lighthouse',
  model: 'm',
  duration: '5s',
  resolution: null,
  aspectRatio: null,
  audio: null,
  image: null,
  state: 'done',
  quoteUsd: 0.1,
  errorKind: null,
  errorMessage: null,
  suggestedPrompt: null,
  fileName: 'a.mp4',
  filePath: '/clips/a.mp4',
  attempts: 1,
  updatedAt: 1,
};
const batch = {
  id: 1,
  name: 'shots.csv',
  status: 'active',
  phase: 'running',
  pauseReason: null,
  rehearsal: true,
  outputDir: '/clips',
  nameTemplate: '{row}',
  concurrency: 4,
  budgetUsd: null,
  createdAt: 1,
  updatedAt: 1,
  total: 1,
  counts: { done: 1 },
  quotedUsd: 0.1,
  spentUsd: 0.1,
  inDoubtUsd: 0,
};
/** Fields a careless service might add to what it returns. None may survive the output schema. */
const smuggled = {
  apiKey: CANARY,
  key: CANARY,
  downloadUrl: `https://cdn.example/_share/abc?X-Signature=${CANARY}`,
  downloadUrlEnc: `v1:${CANARY}`,
  requestJson: `{"authorization":"Bearer ${CANARY}"}`,
};

type Walked = { keys: string[] };
/** Every object key any output schema can produce, found by walking zod's definitions. */
function walk(schema: z.ZodType, out: Walked = { keys: [] }, seen = new Set<unknown>()): Walked {
  if (seen.has(schema)) return out;
  seen.add(schema);
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  const child = (s: unknown) => walk(s as z.ZodType, out, seen);
  switch (def.type) {
    case 'object':
      for (const [k, v] of Object.entries(def.shape as Record<string, unknown>)) {
        out.keys.push(k);
        child(v);
      }
      break;
    case 'array':
      child(def.element);
      break;
    case 'optional':
    case 'nullable':
    case 'default':
      child(def.innerType);
      break;
    case 'pipe':
      child(def.in);
      child(def.out);
      break;
    case 'union':
      for (const o of def.options as unknown[]) child(o);
      break;
    case 'record':
      child(def.valueType);
      break;
    default:
      break;
  }
  return out;
}

describe('contract', () => {
  it('has exactly one schema pair per call name, and one schema per event', () => {
    expect(Object.keys(calls).sort()).toEqual([...CALL_NAMES].sort());
    expect(Object.keys(events).sort()).toEqual([...EVENT_NAMES].sort());
    for (const n of CALL_NAMES) expect(n).toMatch(/^[a-z]+:[a-zA-Z]+$/);
    // The bridge groups calls by domain; a type-level check that a call is where the page expects it.
    const method: keyof Bridge['batch'] = 'importSheet';
    expect(splitCallName('batch:importSheet')).toEqual(['batch', method]);
  });

  const bad: Array<[keyof typeof calls, unknown, string]> = [
    ['batch:get', { batchId: -1 }, 'negative id'],
    ['batch:get', { batchId: '1' }, 'id as text'],
    ['batch:get', { batchId: 1, extra: true }, 'unknown field'],
    ['batch:get', undefined, 'missing input'],
    ['batch:importSheet', { fileName: 'a.csv' }, 'no content'],
    ['batch:importSheet', { fileName: 'a.csv', text: 'prompt\nx', base64: 'cHJvbXB0' }, 'both text and base64'],
    ['batch:importSheet', { fileName: 'a.csv', base64: 'not base64!' }, 'bad base64'],
    ['batch:importSheet', { fileName: '', text: 'prompt' }, 'empty file name'],
    ['batch:importSheet', { fileName: 'a.csv', text: 'x'.repeat(20 * 1024 * 1024 + 1) }, 'over 20 MB'],
    ['batch:importSheet', { fileName: 'a.csv', text: 'p', options: { delimiter: ':' } }, 'unknown delimiter'],
    ['batch:importSheet', { fileName: 'a.csv', text: 'p', options: { mapping: { secret: 'x' } } }, 'unknown column'],
    ['batch:create', { importId: 'abc' }, 'import id not a uuid'],
    ['batch:create', { importId: crypto.randomUUID(), outputDir: 'clips' }, 'relative output folder'],
    ['batch:create', { importId: crypto.randomUUID(), nameTemplate: '../{row}' }, 'template leaving the folder'],
    ['batch:create', { importId: crypto.randomUUID(), budgetUsd: -5 }, 'negative budget'],
    ['batch:create', { importId: crypto.randomUUID(), concurrency: 0 }, 'zero concurrency'],
    ['rows:retry', { rowIds: [] }, 'no rows'],
    ['rows:retry', { rowIds: [1.5] }, 'fractional id'],
    ['rows:resolve', { rowId: 1, decision: 'maybe' }, 'unknown decision'],
    ['rows:reorder', { rowId: 1, position: -1 }, 'negative position'],
    ['quote:rows', { rehearsal: true, rows: [{ model: 'm', duration: '5' }] }, 'duration without unit'],
    ['models:list', {}, 'rehearsal not said'],
    ['settings:set', { concurrency: 99 }, 'concurrency too high'],
    ['settings:set', { outputDir: 'relative/path' }, 'relative output folder'],
    ['settings:set', { whenDone: 'explode' }, 'unknown when-done'],
    ['settings:set', { apiKey: 'x' }, 'unknown setting'],
    ['secrets:setKey', { key: '' }, 'empty key'],
    ['secrets:setKey', { key: 'has a space' }, 'key with spaces'],
    ['secrets:setKey', { key: 'k'.repeat(600) }, 'key too long'],
    ['secrets:setKey', {}, 'no key'],
    ['app:info', { debug: true }, 'input where none is taken'],
  ];
  it.each(bad)('%s refuses %j (%s)', (name, input) => {
    expect(calls[name].input.safeParse(input).success).toBe(false);
  });

  it('accepts the inputs the UI sends', () => {
    expect(calls['app:info'].input.safeParse(undefined).success).toBe(true);
    expect(calls['batch:list'].input.safeParse({}).success).toBe(true);
    const sheet = calls['batch:importSheet'].input.parse({ fileName: 'a.csv', base64: Buffer.from('prompt\nx').toString('base64') });
    expect(new TextDecoder().decode(sheet.bytes)).toBe('prompt\nx');
    expect(calls['secrets:setKey'].input.parse({ key: '  abc123  ' }).key).toBe('abc123');
    expect(calls['settings:set'].input.safeParse({ rehearsal: false, whenDone: 'sleep' }).success).toBe(true);
  });

  it('has no output or event field that could hold a key, token, secret or link', () => {
    const keys = new Set<string>();
    for (const c of Object.values(calls)) for (const k of walk(c.output).keys) keys.add(k);
    for (const e of Object.values(events)) for (const k of walk(e).keys) keys.add(k);
    expect(keys.size).toBeGreaterThan(40);
    const suspicious = [...keys].filter((k) => /(^key$|api_?key|token|secret|password|auth|url|request|queue_?id|signature)/i.test(k));
    expect(suspicious).toEqual([]);
  });

  it('drops smuggled fields and scrubs free text on the way out', () => {
    const status = calls['secrets:status'].output.parse({ set: true, source: 'keychain', last4: 'abcd', keychainAvailable: true, problem: null, ...smuggled });
    expect(JSON.stringify(status)).not.toContain(CANARY);
    expect(calls['secrets:status'].output.safeParse({ set: true, source: 'keychain', last4: CANARY, keychainAvailable: true, problem: null }).success).toBe(false);

    const got = calls['batch:get'].output.parse({
      batch: { ...batch, ...smuggled, pauseReason: `Venice said: bad key ${CANARY}` },
      rows: [{ ...row, ...smuggled, errorMessage: `fetch https://cdn.example/_share/x?sig=${CANARY} failed`, image: `https://img.example/a.png?token=${CANARY}` }],
    });
    const text = JSON.stringify(got);
    expect(text).not.toContain(CANARY);
    expect(text).toContain('[redacted]');
    expect(got.rows[0]).not.toHaveProperty('downloadUrlEnc');

    const ev = outgoingEvent('row:changed', { batchId: 1, row: { ...row, ...smuggled }, message: `Bearer ${CANARY}`, ...smuggled });
    expect(JSON.stringify(ev)).not.toContain(CANARY);
    expect(outgoingEvent('notice', { level: 'info', message: 'x', kind: 'nonsense', batchId: null })).toBeUndefined();
  });
});

describe('dispatch', () => {
  const handlers = {
    'batch:get': () => ({ batch: { ...batch, ...smuggled }, rows: [] }),
    'secrets:setKey': () => {
      throw new Error(`keychain exploded while storing ${CANARY}`);
    },
    'secrets:status': () => ({ set: true, source: 'keychain', last4: 'abcd', keychainAvailable: true }),
  } as unknown as Handlers;

  it('refuses unknown calls and bad input without quoting the input', async () => {
    expect(await dispatch(handlers, 'batch:drop', {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await dispatch(handlers, '__proto__', {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const r = await dispatch(handlers, 'secrets:setKey', { key: `${CANARY} extra` });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(r)).not.toContain(CANARY);
    expect(JSON.stringify(r)).toContain('no spaces');
  });

  it('answers unexpected failures with a plain sentence and logs them scrubbed', async () => {
    const logs: string[] = [];
    const r = await dispatch(handlers, 'secrets:setKey', { key: CANARY }, (m) => logs.push(m));
    expect(r).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(r)).not.toContain(CANARY);
    expect(logs.join('\n')).toContain('keychain exploded');
    expect(logs.join('\n')).not.toContain(CANARY);
  });

  it('strips outputs to the contract, and refuses outputs that break it', async () => {
    const r = await dispatch(handlers, 'batch:get', { batchId: 1 });
    expect(r.ok).toBe(true);
    expect(JSON.stringify(r)).not.toContain(CANARY);
    const logs: string[] = [];
    const broken = await dispatch(handlers, 'secrets:status', undefined, (m) => logs.push(m));
    expect(broken).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(logs[0]).toMatch(/outside the contract/);
  });
});
