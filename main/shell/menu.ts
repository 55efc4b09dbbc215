/** The application menu: the usual roles and shortcuts on every system, plus help links the app itself opens. */
import { app, BrowserWindow, Menu, type MenuItemConstructorOptions } from 'electron';
import { EXTERNAL_LINKS } from '../contract-names';
import { outgoingEvent } from '../handlers';
import { isAppUrl } from './app-url';
import { openExternalIfOurs } from './security';

export function buildMenu(): Menu {
  const mac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Sheet…', accelerator: 'CmdOrCtrl+O', click: () => sendMenuCommand('open-sheet') },
        { type: 'separator' },
        mac ? { role: 'close' as const } : { role: 'quit' as const },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'Get a Venice API key', click: () => openExternalIfOurs(EXTERNAL_LINKS.apiKeys) },
        { label: 'Venice API documentation', click: () => openExternalIfOurs(EXTERNAL_LINKS.docs) },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}

/** Hands a menu command to the focused window's page, checked by the contract, and only to the app's own page. */
function sendMenuCommand(command: 'open-sheet'): void {
  const wc = BrowserWindow.getFocusedWindow()?.webContents;
  const payload = outgoingEvent('menu:command', { command });
  if (wc && payload && !wc.isDestroyed() && isAppUrl(wc.getURL())) wc.send('menu:command', payload);
}
