/** Dropping a file anywhere on the window imports it; Ctrl/Cmd+O and the desktop menu open the picker. */
import { useEffect, useState } from 'react';
import { bridge, transport } from '../state/bridge';
import { isSheetFileName, refusalOf } from './files';

const carriesFiles = (e: DragEvent) => !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');

export function useSheetDrop(onFile: (f: File) => void, onRefused: (message: string) => void): boolean {
  const [over, setOver] = useState(false);
  useEffect(() => {
    let depth = 0; // dragenter/dragleave fire for every child crossed: count them so the overlay does not flicker
    const enter = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      depth++;
      setOver(true);
    };
    const overFn = (e: DragEvent) => {
      if (carriesFiles(e)) e.preventDefault(); // without this the browser opens the file itself
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const drop = (e: DragEvent) => {
      depth = 0;
      setOver(false);
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      e.preventDefault();
      if (isSheetFileName(file.name)) onFile(file);
      else onRefused(refusalOf(file.name));
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', overFn);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', overFn);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [onFile, onRefused]);
  return over;
}

export function useOpenSheetShortcut(open: () => void): void {
  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      // In the desktop app the File menu's accelerator owns Ctrl/Cmd+O and sends `menu:command` instead.
      if (transport === 'desktop') return;
      if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'o') {
        e.preventDefault();
        open();
      }
    };
    window.addEventListener('keydown', key);
    const off = bridge.on('menu:command', (p) => {
      if (p.command === 'open-sheet') open();
    });
    return () => (window.removeEventListener('keydown', key), off());
  }, [open]);
}
