/** Builds the page once before the end-to-end tests, so they test the same files `npm run web` serves. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export default function globalSetup(): void {
  const vite = path.resolve('node_modules/.bin/vite');
  const r = spawnSync(vite, ['build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('The renderer did not build (vite build failed).');
}
