// `npm start` on a machine with normal internet: fetch the Electron binary on first use, because install
// deliberately skips its download (machines that reach only the npm registry cannot fetch it).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const electronDir = path.dirname(require.resolve('electron/package.json'));
if (!existsSync(path.join(electronDir, 'path.txt'))) {
  console.log('Fetching the Electron binary (first start only)...');
  const r = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], {
    stdio: 'inherit',
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' },
  });
  if (r.status !== 0) {
    console.error(
      'Could not download Electron. The desktop window needs it; browser mode (`npm run web`) and the CLI (`npm run batch`) work without it.',
    );
    process.exit(1);
  }
}
