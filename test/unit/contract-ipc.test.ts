/**
 * The IPC registration without Electron: a stand-in ipcMain records the handlers, and calls are made as a page
 * (or a hostile frame) would make them.
 */
import { describe, expect, it } from 'vitest';
import { CALL_NAMES } from '../../main/contract-names';
import type { Handlers } from '../../main/handlers';
import { registerIpc, type IpcOptions } from '../../main/ipc';
import { isAppUrl } from '../../main/shell/app-url';

type Handler = (event: unknown, input: unknown) => Promise<unknown> | unknown;

function fakeIpc() {
  const handlers = new Map<string, Handler>();
  return {
    handlers,
    ipcMain: {
      handle: (name: string, fn: Handler) => {
        if (handlers.has(name)) throw new Error(`second handler for ${name}`);
        handlers.set(name, fn);
      },
      removeHandler: (name: string) => handlers.delete(name),
    } as unknown as IpcOptions['ipcMain'],
  };
}

function eventFrom(url: string, opts: { subframe?: boolean } = {}) {
  const mainFrame = { url, parent: null };
  const frame = opts.subframe ? { url, parent: mainFrame } : mainFrame;
  return { senderFrame: frame, sender: { mainFrame } };
}

const services = {
  'batch:get': ({ batchId }: { batchId: number }) => ({
    batch: {
      id: batchId,
      name: 'b',
      status: 'active',
      phase: 'running',
      pauseReason: null,
      rehearsal: true,
      outputDir: '/o',
      nameTemplate: '{row}',
      concurrency: 1,
      budgetUsd: null,
      createdAt: 0,
      updatedAt: 0,
      total: 0,
      counts: {},
      quotedUsd: 0,
      spentUsd: 0,
      inDoubtUsd: 0,
    },
    rows: [],
  }),
} as unknown as Handlers;

describe('ipc registration', () => {
  it('registers exactly one handler per contract call, and removes them', () => {
    const { ipcMain, handlers } = fakeIpc();
    const remove = registerIpc({ ipcMain, handlers: services, isAppUrl });
    expect([...handlers.keys()].sort()).toEqual([...CALL_NAMES].sort());
    remove();
    expect(handlers.size).toBe(0);
  });

  it('answers the app’s own page, parsing its input', async () => {
    const { ipcMain, handlers } = fakeIpc();
    registerIpc({ ipcMain, handlers: services, isAppUrl });
    const get = handlers.get('batch:get')!;
    expect(await get(eventFrom('app://venice/index.html'), { batchId: 3 })).toMatchObject({ ok: true, value: { batch: { id: 3 } } });
    expect(await get(eventFrom('app://venice/index.html'), { batchId: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('refuses calls from any other page or frame', async () => {
    const { ipcMain, handlers } = fakeIpc();
    const log: string[] = [];
    registerIpc({ ipcMain, handlers: services, isAppUrl, log: (m) => log.push(m) });
    const get = handlers.get('batch:get')!;
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://evil/index.html', 'http://127.0.0.1:5173/', 'about:blank', '']) {
      expect(await get(eventFrom(url), { batchId: 1 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(await get(eventFrom('app://venice/index.html', { subframe: true }), { batchId: 1 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await get({ senderFrame: null, sender: { mainFrame: null } }, { batchId: 1 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(log.length).toBe(8);
  });
});
