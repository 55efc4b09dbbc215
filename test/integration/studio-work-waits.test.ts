/**
 * A render box that boots before the studio's database (a power cut, both machines starting) waits for it instead of
 * exiting, says so once, and starts working when it answers. Real PostgreSQL (stopped, then started again on the
 * same port), the built CLI as its own process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../support/cli-process';
import { startPostgres, type TestPostgres } from '../support/postgres';

let pgServer: TestPostgres;
beforeAll(async () => {
  pgServer = await startPostgres();
}, 120_000);
afterAll(async () => {
  await pgServer?.stop();
});

describe('`work` started before the studio database', () => {
  it('waits for the database, then works the queue (exit 0: nothing to do), never printing the password', async () => {
    const url = await pgServer.newDatabase('waits');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vb-work-waits-'));
    try {
      await pgServer.pause(); // the database is down when the render box starts
      const run = await startCli(['work', '--until-idle'], { VENICE_BATCH_DATA: path.join(dir, 'data'), VENICE_BATCH_DB: url, VENICE_BATCH_DB_RETRY_MS: '200' });
      const until = Date.now() + 60_000;
      while (!/cannot be reached yet/.test(run.output()) && run.child.exitCode === null && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(run.child.exitCode, run.output()).toBeNull(); // still waiting, not gone
      expect(run.output()).toMatch(/The studio queue \(PostgreSQL 127\.0\.0\.1:\d+\/waits_\w*\) cannot be reached yet: .*Waiting for it/);

      await pgServer.resume();
      const code = await Promise.race([run.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000))]);
      if (code === 'timeout') run.child.kill('SIGKILL');
      expect(code, run.output()).toBe(0);
      expect(run.output()).toMatch(/Working on the studio queue: PostgreSQL 127\.0\.0\.1:\d+\/waits_/);
      expect(run.output()).toMatch(/Nothing left to do on the queue\./);
      expect(run.output().match(/cannot be reached yet/g)).toHaveLength(1);
      expect(run.output()).not.toMatch(/venice-batch-test/); // the test server's password
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
