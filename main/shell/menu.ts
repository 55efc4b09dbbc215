/** The application menu: the usual roles and shortcuts on every system, plus help links the app itself opens. */
import { app, Menu, type MenuItemConstructorOptions } from 'electron';
import { EXTERNAL_LINKS } from '../contract-names';
import { openExternalIfOurs } from './security';

export function buildMenu(): Menu {
  const mac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
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
