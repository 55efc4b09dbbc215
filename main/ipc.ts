/**
 * The one place main listens to the page: one `ipcMain.handle` per contract call, nothing else. Each call checks
 * that it comes from the app's own page (the top frame, at the app's own URL), then goes through the same
 * `dispatch` as browser mode (input parsed by the contract, output stripped to it). Events go the other way,
 * only to a page at the app's own URL.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { CALL_NAMES } from './contract-names';
import type { CallResult } from './contract';
import type { AppServices } from './core/services/app-services';
import { dispatch, forwardEvents, type Handlers, type Logger } from './handlers';

export interface IpcOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  handlers: Handlers;
  /** True only for the app's own pages (app://venice/...). */
  isAppUrl: (url: string) => boolean;
  log?: Logger;
}

const FOREIGN: CallResult<never> = { ok: false, error: { code: 'forbidden', message: 'Only the app’s own page may call the app.' } };

/** The sender must be the top frame of its window, showing one of the app's own pages. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>, isAppUrl: (url: string) => boolean): boolean {
  const frame = event.senderFrame;
  if (!frame) return false;
  if (frame.parent !== null || frame !== event.sender.mainFrame) return false;
  return isAppUrl(frame.url);
}

/** Registers every call; returns a function that removes them again. */
export function registerIpc(opts: IpcOptions): () => void {
  for (const name of CALL_NAMES) {
    opts.ipcMain.handle(name, (event, input: unknown) => {
      if (!isTrustedSender(event, opts.isAppUrl)) {
        opts.log?.(`Refused ${name} from ${event.senderFrame?.url ?? 'an unknown frame'}`);
        return FOREIGN;
      }
      return dispatch(opts.handlers, name, input, opts.log);
    });
  }
  return () => {
    for (const name of CALL_NAMES) opts.ipcMain.removeHandler(name);
  };
}

/** Forwards the app's events to the window's page while it shows the app. */
export function sendEvents(app: AppServices, contents: () => WebContents | undefined, isAppUrl: (url: string) => boolean): () => void {
  return forwardEvents(app, (name, payload) => {
    const wc = contents();
    if (wc && !wc.isDestroyed() && isAppUrl(wc.getURL())) wc.send(name, payload);
  });
}
