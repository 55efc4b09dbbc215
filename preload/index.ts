/**
 * The bridge between the sandboxed page and main: exactly the contract, as `window.venice.<domain>.<verb>(input)`
 * (one method per call name, never a generic invoke) and `window.venice.on(event, fn)`, which returns its own
 * unsubscribe function. Types come from the contract; only the list of names is code.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { Bridge } from '../main/contract';
import { CALL_NAMES, isEventName, splitCallName } from '../main/contract-names';

const calls: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
for (const name of CALL_NAMES) {
  const [domain, verb] = splitCallName(name);
  (calls[domain] ??= {})[verb] = (input?: unknown) => ipcRenderer.invoke(name, input);
}

function on(event: string, fn: (payload: unknown) => void): () => void {
  if (!isEventName(event)) throw new Error(`There is no event called ${event}`);
  // The page gets the payload only, never the IPC event object (it leads back to ipcRenderer).
  const listener = (_e: IpcRendererEvent, payload: unknown) => fn(payload);
  ipcRenderer.on(event, listener);
  return () => {
    ipcRenderer.removeListener(event, listener);
  };
}

const venice = { ...calls, on } as unknown as Bridge;
contextBridge.exposeInMainWorld('venice', venice);
