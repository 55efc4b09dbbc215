/**
 * The Electron shell: wiring only. The rules live in core/ (services), the contract in contract.ts, the
 * security settings in shell/security.ts, the overnight behaviour in shell/overnight.ts.
 */
import { app, dialog, ipcMain, Menu, session, type BrowserWindow } from 'electron';
import path from 'node:path';
import { defaultDataDir } from './core/paths';
import { AppServices } from './core/services/app-services';
import { redact } from './core/venice/redact';
import { createHandlers } from './handlers';
import { registerIpc, sendEvents } from './ipc';
import { registerAppScheme, serveApp } from './shell/app-protocol';
import { isAppUrl } from './shell/app-url';
import { buildMenu } from './shell/menu';
import { Overnight } from './shell/overnight';
import { hardenContents, hardenSession } from './shell/security';
import { createMainWindow } from './shell/window';

const ROOT = path.join(__dirname, '..', '..');
const RENDERER_DIR = path.join(ROOT, 'dist', 'renderer');
const PRELOAD = path.join(ROOT, 'dist', 'preload', 'index.cjs');
const ICON = path.join(ROOT, 'packaging', 'icon.png');

registerAppScheme();
app.on('web-contents-created', (_event, contents) => hardenContents(contents));

let win: BrowserWindow | undefined;
let services: AppServices | undefined;
let overnight: Overnight | undefined;
let closed = false;

function openWindow(dataDir: string): void {
  win = createMainWindow({ preload: PRELOAD, dataDir });
  overnight?.keepRunningOnClose(win);
  win.on('closed', () => (win = undefined));
}

async function start(): Promise<void> {
  const dataDir = defaultDataDir();
  services = new AppServices({
    dataDir,
    mode: 'desktop',
    version: app.getVersion(),
    bundledMediaDir: app.isPackaged ? path.join(process.resourcesPath, 'ffmpeg') : undefined,
  });
  await services.start();
  hardenSession(session.defaultSession);
  serveApp(session.defaultSession.protocol, RENDERER_DIR, {
    mediaFile: async (rowId) => services?.mediaFile(rowId),
    thumbnailFile: async (rowId) => services?.thumbnailFile(rowId),
    stripFile: async (rowId) => services?.stripFile(rowId),
    viewFile: async (rowId) => services?.viewFile(rowId),
    scrubFile: async (rowId) => services?.scrubFile(rowId),
    musicFile: async (batchId) => services?.musicFile(batchId),
  });
  registerIpc({ ipcMain, handlers: createHandlers(services), isAppUrl, log: (m) => console.error(m) });
  sendEvents(services, () => win?.webContents, isAppUrl);
  Menu.setApplicationMenu(buildMenu());
  overnight = new Overnight(services, () => win, ICON);
  openWindow(dataDir);
  app.on('activate', () => {
    if (!win) openWindow(dataDir);
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Stop the engine cleanly (a queue request is never abandoned mid-flight), then really quit.
  app.on('before-quit', (event) => {
    if (closed || !services) return;
    event.preventDefault();
    overnight?.dispose();
    void services.close().finally(() => {
      closed = true;
      app.quit();
    });
  });
  app
    .whenReady()
    .then(start)
    .catch((e: Error) => {
      // Say why in a window: a desktop app that vanishes without a word helps nobody.
      dialog.showErrorBox('Venice Batch could not start', `${redact(e.message)}\n\nData folder: ${defaultDataDir()}`);
      app.exit(1);
    });
}
