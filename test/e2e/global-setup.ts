/**
 * Before the end-to-end tests: stale screenshots of an earlier run are removed (a PNG in test-results/ must be
 * this run's), and the page is built once, so the tests exercise the same files `npm run web` serves.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

export default function globalSetup(): void {
  let names: string[] = [];
  try {
    names = readdirSync('test-results');
  } catch {
    /* no results yet */
  }
  for (const n of names) if (n.endsWith('.png')) rmSync(path.join('test-results', n), { force: true });
  const vite = path.resolve('node_modules/.bin/vite');
  const r = spawnSync(vite, ['build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('The renderer did not build (vite build failed).');
}
