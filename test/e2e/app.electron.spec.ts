/**
 * The desktop app through Playwright's Electron driver: the window opens, its security settings hold from inside
 * (no require/process, navigation and popups refused, IPC from a foreign page refused), and a Rehearsal batch runs.
 * Runs wherever the Electron binary is installed (`npm start` fetches it); reports itself skipped elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { SHEET } from './support';

/** The installed Electron binary, found without importing `electron` (which would try to download it). */
function electronBinary(): string | undefined {
  const dir = path.resolve('node_modules/electron');
  const pathFile = path.join(dir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const bin = path.join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : undefined;
}

const binary = electronBinary();
const SKIPPED =
  'The Electron binary is not installed on this machine (npm install skips its download); this suite runs where `npm start` has fetched it.';
test.skip(!binary, SKIPPED);
test.describe.configure({ mode: 'serial' });

// The title says why in the run's own output too, not only in the report.
test.describe(binary ? 'desktop app' : 'desktop app (skipped: no Electron binary on this machine)', () => {
  let app: ElectronApplication;
  let win: Page;
  let dir: string;

  test.beforeAll(async () => {
    const built = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
    expect(built.status).toBe(0);
    dir = mkdtempSync(path.join(os.tmpdir(), 'vb-electron-'));
    mkdirSync(path.join(dir, 'data'), { recursive: true });
    writeFileSync(path.join(dir, 'data', 'settings.json'), JSON.stringify({ rehearsal: true, outputDir: path.join(dir, 'clips') }));
    app = await electron.launch({
      executablePath: binary,
      args: ['.', ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
      env: { ...process.env, VENICE_BATCH_DATA: path.join(dir, 'data'), VENICE_API_KEY: '', VENICE_BATCH_REHEARSAL_MS: '400' },
    });
    win = await app.firstWindow();
  });

  test.afterAll(async () => {
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the window is sandboxed: no Node in the page, only the bridge', async () => {
    await expect.poll(() => win.url()).toBe('app://venice/index.html');
    await expect(win.getByTestId('key-status')).toBeVisible();
    const globals = await win.evaluate(() => ({
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
      list: typeof window.venice?.batch.list,
    }));
    expect(globals).toEqual({ require: 'undefined', process: 'undefined', list: 'function' });
  });

  test('navigation and popups are refused', async () => {
    await win.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    await expect.poll(() => win.url()).toBe('app://venice/index.html');
    expect(await win.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
    expect(app.windows()).toHaveLength(1);
  });

  test('IPC from a page that is not the app is refused', async () => {
    const answer = await app.evaluate(async ({ BrowserWindow }, preload) => {
      const foreign = new BrowserWindow({ show: false, webPreferences: { preload, sandbox: true, contextIsolation: true } });
      await foreign.loadURL('data:text/html,<p>not the app</p>');
      const r = await foreign.webContents.executeJavaScript('window.venice.app.info()');
      foreign.destroy();
      return r;
    }, path.resolve('dist/preload/index.cjs'));
    expect(answer).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  test('a Rehearsal batch runs to the end', async () => {
    await win.getByTestId('sheet-input').setInputFiles({ name: 'shots.csv', mimeType: 'text/csv', buffer: Buffer.from(SHEET) });
    await win.getByRole('button', { name: 'Queue 3 clips in Rehearsal' }).click();
    for (const n of [1, 2, 3]) await expect(win.getByTestId(`row-${n}`).getByTestId('row-status')).toHaveText('done', { timeout: 60_000 });
    await win.screenshot({ path: 'test-results/e2e-electron-rehearsal.png' });
  });
});
