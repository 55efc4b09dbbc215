/**
 * Settings > Studio queue in browser mode, against a real PostgreSQL started by the test: the app says which queue
 * it is on; an address is refused in plain words when it carries a password or nothing answers, and saved only once
 * a connection worked; the change takes effect after a restart (the app then says it is on the studio queue); and
 * VENICE_BATCH_DB overrides the setting, shown with its password masked: the password never reaches the page.
 * Ends with a screenshot, which is looked at.
 */
import { expect, test, type Page } from '@playwright/test';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { expectAccessible } from './axe';
import { startWebApp, type WebApp } from './support';

test.describe.configure({ mode: 'serial' });

let server: TestPostgres;
const started: WebApp[] = [];
const saved = { PGPASSWORD: process.env.PGPASSWORD, VENICE_BATCH_DB: process.env.VENICE_BATCH_DB };

test.beforeAll(async () => {
  test.setTimeout(120_000);
  server = await startPostgres();
});
test.afterAll(async () => {
  for (const app of started) await app.stop();
  await server?.stop();
  // The web app inherits this process's environment: put it back for the next spec file.
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

async function openStudioSettings(page: Page, url: string) {
  await page.goto(url);
  await page.getByRole('button', { name: 'Settings' }).click();
  const section = page.getByRole('dialog', { name: 'Settings' }).getByRole('region', { name: 'Studio queue' });
  await expect(section).toBeVisible();
  return section;
}

test('an address is checked by connecting, saved without a password, and used after a restart', async ({ page }) => {
  test.setTimeout(120_000);
  const dbUrl = await server.newDatabase('e2e');
  const withPassword = new URL(dbUrl);
  const password = withPassword.password;
  const address = `postgres://${withPassword.username}@${withPassword.host}${withPassword.pathname}`;
  // Each machine keeps the password outside the app (PGPASSWORD or ~/.pgpass); the app started below inherits it.
  process.env.PGPASSWORD = password;
  delete process.env.VENICE_BATCH_DB;

  const app = await startWebApp();
  started.push(app);
  let section = await openStudioSettings(page, app.url);
  await expect(section.getByTestId('studio-queue-now')).toHaveText(/Now working on: this computer's own queue/);
  const field = section.getByTestId('studio-queue-url');
  const save = section.getByTestId('studio-queue-save');

  await field.fill(dbUrl);
  await save.click();
  await expect(section.getByRole('alert')).toHaveText(/Leave the password out of the address: put it in ~\/.pgpass/);
  await expectAccessible(page, 'Settings > Studio queue with a refusal', { include: ['[data-testid="studio-queue"]'] });

  await field.fill(`postgres://postgres@127.0.0.1:1/${withPassword.pathname.slice(1)}`);
  await save.click();
  await expect(section.getByRole('alert')).toHaveText(/Nothing answers at 127\.0\.0\.1:1: is PostgreSQL running there/);

  await field.fill(`postgres://postgres@${withPassword.host}/no_such_db`);
  await save.click();
  await expect(section.getByRole('alert')).toHaveText(/There is no database "no_such_db" at .*: create it first/);

  await field.fill(address);
  await save.click();
  await expect(section.getByText('Connected and saved.')).toBeVisible();
  await expect(section.getByTestId('studio-queue-restart')).toHaveText(/Restart the app to switch to the studio queue/);
  await expect(section.getByText(/takes effect when the app restarts/)).toBeVisible();

  // The restart: the same data folder, the saved address.
  await app.stop({ keep: true });
  const again = await startWebApp({ dir: app.dir });
  started.push(again);
  section = await openStudioSettings(page, again.url);
  await expect(section.getByTestId('studio-queue-now')).toHaveText(
    new RegExp(`Now working on: the studio queue, PostgreSQL ${withPassword.host.replace(/\./g, '\\.')}${withPassword.pathname}`),
  );
  await expect(section.getByTestId('studio-queue-restart')).toHaveCount(0);
  await expect(section.getByTestId('studio-queue-url')).toHaveValue(address);
  // The top bar says it too, wherever the editor is.
  await expect(page.getByTestId('queue-status')).toHaveText('Studio queue');
  expect(await page.content()).not.toContain(password);
});

test('VENICE_BATCH_DB overrides the setting, said plainly, its password masked', async ({ page }) => {
  test.setTimeout(120_000);
  const dbUrl = await server.newDatabase('env');
  const password = new URL(dbUrl).password;
  process.env.VENICE_BATCH_DB = dbUrl;
  const app = await startWebApp();
  started.push(app);
  await page.setViewportSize({ width: 1280, height: 900 });
  const section = await openStudioSettings(page, app.url);
  await expect(section.getByTestId('studio-queue-now')).toHaveText(/Now working on: the studio queue, PostgreSQL 127\.0\.0\.1:\d+\/env_/);
  await expect(section.getByTestId('studio-queue-env')).toHaveText(
    /VENICE_BATCH_DB is set for this run \(postgres:\/\/postgres:•••••@127\.0\.0\.1:\d+\/env_\S+\): it overrides the address below/,
  );
  expect(await page.content()).not.toContain(password);
  await expectAccessible(page, 'Settings > Studio queue', { include: ['[data-testid="studio-queue"]'] });
  await section.scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath('studio-queue-settings.png') });
});
