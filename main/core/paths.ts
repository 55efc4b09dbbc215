/**
 * Where venice-batch keeps its data: the same folder the desktop app uses (Electron's userData for the product
 * name), so the CLI and the app share one queue. VENICE_BATCH_DATA overrides it (tests, a render box).
 */
import os from 'node:os';
import path from 'node:path';

export const PRODUCT_NAME = 'Venice Batch';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.VENICE_BATCH_DATA) return path.resolve(env.VENICE_BATCH_DATA);
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', PRODUCT_NAME);
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), PRODUCT_NAME);
}
