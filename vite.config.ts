import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer is a plain web app: the same build serves the Electron window and browser mode.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  // csv-parse's main entry is built on Node's stream and Buffer; its browser build carries both, so the page's own
  // sheet read (main/core/sheet) tokenizes exactly as main and the CLI do.
  resolve: { alias: [{ find: /^csv-parse$/, replacement: 'csv-parse/browser/esm' }] },
  build: { outDir: '../dist/renderer', emptyOutDir: true, sourcemap: true },
});
