/**
 * Electron's security checklist, applied to every session and every web contents the app creates: no permission
 * is ever granted, nothing remote is loaded, no navigation away from the app, no new windows, no <webview>, and
 * only the https links the app itself shows open in the system browser.
 */
import { shell, type Session, type WebContents } from 'electron';
import { EXTERNAL_LINKS } from '../contract-names';
import { APP_SCHEME } from './app-url';

/**
 * Opens a link in the system browser only if it is one the app made. Each address is written out literally (never
 * a value from the page), so what can be opened is exactly this list; contract-names.ts names the same links for
 * the page, and a unit test checks the two agree.
 */
export function openExternalIfOurs(url: string): boolean {
  switch (url) {
    case EXTERNAL_LINKS.apiKeys:
      void shell.openExternal('https://venice.ai/settings/api');
      return true;
    case EXTERNAL_LINKS.docs:
      void shell.openExternal('https://docs.venice.ai/');
      return true;
    default:
      return false;
  }
}

export function hardenSession(ses: Session): void {
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  // No remote content: the page talks to main over IPC only; main reaches Venice through Node, not the page.
  // file: is allowed only for main's own reads (the app:// handler serving the bundle and clips), never a page's.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const scheme = details.url.slice(0, details.url.indexOf(':'));
    const fromMain = details.webContentsId === undefined;
    const allowed = scheme === APP_SCHEME || scheme === 'devtools' || scheme === 'data' || scheme === 'blob' || (scheme === 'file' && fromMain);
    callback({ cancel: !allowed });
  });
}

export function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternalIfOurs(url);
    return { action: 'deny' };
  });
}
