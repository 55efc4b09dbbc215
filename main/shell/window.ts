/** The main window: sandboxed, context-isolated, no Node in the page, showing only the app's own origin. */
import { BrowserWindow, screen } from 'electron';
import { APP_INDEX } from './app-protocol';
import { loadWindowState, rememberWindowState } from './window-state';

export function createMainWindow(opts: { preload: string; dataDir: string }): BrowserWindow {
  const state = loadWindowState(
    opts.dataDir,
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow({
    ...state.bounds,
    minWidth: 800,
    minHeight: 500,
    show: false,
    backgroundColor: '#15171a',
    title: 'Venice Batch',
    webPreferences: {
      // Reviewed (Electronegativity asks for a review of every preload): preload/index.ts exposes exactly the
      // contract's calls and events through contextBridge, nothing else.
      preload: opts.preload, // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click would open links in a new window; there are none to open.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  rememberWindowState(win, opts.dataDir);
  void win.loadURL(APP_INDEX);
  return win;
}
