/** Dropping a file anywhere on the window imports it; Ctrl/Cmd+O and the desktop menu open the picker. */
import { useEffect, useRef, useState } from 'react';
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

/**
 * Ctrl/Cmd+O and the desktop menu's Open Sheet call `open`. Subscribed once for the page's life: the latest `open`
 * is read through a ref, so a re-render never leaves a moment with no listener (or two).
 */
export function useOpenSheetShortcut(open: () => void): void {
  const latest = useRef(open);
  latest.current = open;
  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      // In the desktop app the File menu's accelerator owns Ctrl/Cmd+O and sends `menu:command` instead.
      if (transport === 'desktop') return;
      if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'o') {
        e.preventDefault();
        latest.current();
      }
    };
    window.addEventListener('keydown', key);
    const off = bridge.on('menu:command', (p) => {
      if (p.command === 'open-sheet') latest.current();
    });
    return () => (window.removeEventListener('keydown', key), off());
  }, []);
}
