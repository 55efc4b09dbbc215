/**
 * One browser-mode server shared by a spec file's tests: started before the first test, stopped after the last, its
 * output printed when a test failed. The object returned reads through to the server that is running.
 */
import { test } from '@playwright/test';
import { startWebApp, type WebApp } from './support';

export function useWebApp(): WebApp {
  let started: WebApp | undefined;
  const running = (): WebApp => {
    if (!started) throw new Error('browser mode has not started yet: use the app inside a test');
    return started;
  };
  test.beforeAll(async () => {
    started = await startWebApp();
  });
  test.afterAll(async () => {
    if (test.info().status !== 'passed') console.log(started?.output());
    await started?.stop();
  });
  return {
    get url() {
      return running().url;
    },
    get dir() {
      return running().dir;
    },
    get clipsDir() {
      return running().clipsDir;
    },
    output: () => running().output(),
    stop: (opts) => running().stop(opts),
  };
}
