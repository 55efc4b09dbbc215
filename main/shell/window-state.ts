/** The window's size and place, remembered between runs (in the data folder), and put back only if still on screen. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserWindow, Rectangle } from 'electron';

export interface WindowState {
  bounds: Partial<Rectangle> & { width: number; height: number };
  maximized: boolean;
}

const DEFAULT: WindowState = { bounds: { width: 1280, height: 800 }, maximized: false };

export function loadWindowState(dataDir: string, workAreas: Rectangle[]): WindowState {
  try {
    const s = JSON.parse(readFileSync(path.join(dataDir, 'window-state.json'), 'utf8')) as WindowState;
    const { x, y, width, height } = s.bounds;
    if (!(width >= 400 && height >= 300)) return DEFAULT;
    const visible =
      x !== undefined && y !== undefined && workAreas.some((a) => x + 100 > a.x && y + 50 > a.y && x < a.x + a.width - 100 && y < a.y + a.height - 50);
    return { bounds: visible ? { x, y, width, height } : { width, height }, maximized: Boolean(s.maximized) };
  } catch {
    return DEFAULT;
  }
}

export function rememberWindowState(win: BrowserWindow, dataDir: string): void {
  const save = () => {
    if (win.isDestroyed() || win.isMinimized()) return;
    const state: WindowState = { bounds: win.isMaximized() ? win.getNormalBounds() : win.getBounds(), maximized: win.isMaximized() };
    try {
      writeFileSync(path.join(dataDir, 'window-state.json'), JSON.stringify(state));
    } catch {
      // Not worth bothering the user about.
    }
  };
  win.on('resized', save);
  win.on('moved', save);
  win.on('maximize', save);
  win.on('unmaximize', save);
  win.on('close', save);
}
