// Builds the three parts: the renderer with Vite, and main, preload and the CLI with esbuild (CommonJS, because
// Electron's sandboxed preload must be CommonJS and it keeps main's start-up simple).
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { rmSync } from 'node:fs';

rmSync('dist/main', { recursive: true, force: true });
rmSync('dist/preload', { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // Native or binary-finding packages stay outside the bundle and load from node_modules at run time.
  external: ['electron', 'keytar', 'fluent-ffmpeg', 'exceljs', 'pg-native'],
};

await Promise.all([
  esbuild({ ...common, entryPoints: { index: 'main/index.ts', cli: 'main/cli.ts' }, outdir: 'dist/main', outExtension: { '.js': '.cjs' }, banner: { js: '' } }),
  esbuild({ ...common, entryPoints: { index: 'preload/index.ts' }, outdir: 'dist/preload', outExtension: { '.js': '.cjs' } }),
  viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' }),
]);
console.log('built dist/main, dist/preload, dist/renderer');
