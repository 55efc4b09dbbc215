/**
 * Child process for the import-threads bench: browser mode as `npm run web` starts it (AppServices in 'browser' mode,
 * whose event-loop watchdog runs, and startWebServer over the built page), over a temp data folder in Rehearsal. It
 * measures its own event loop: the longest gap of a 1 ms timer (how long the thread was held at once) and the
 * stalls the app's watchdog names, between a 'mark' and a 'report' sent by the bench over IPC.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { AppServices } from '../main/core/services/app-services';
import { startLoopWatchdog } from '../main/core/loop-watchdog';
import { startWebServer } from '../main/web';
import { blockMeter } from './sheet-parse-work';

export interface ServerLoopReport {
  /** Longest gap between two ticks of a 1 ms timer since the mark. */
  longestMs: number;
  /** perf_hooks' event-loop delay histogram since the mark: max and p99. */
  delayMaxMs: number;
  delayP99Ms: number;
  /** What the app's own watchdog said (blocks over 100 ms, with the tracked work under way). */
  stalls: string[];
}

export type ServerMessage = { kind: 'ready'; openUrl: string } | { kind: 'report'; report: ServerLoopReport };

async function main(): Promise<void> {
  const [dir, rendererDir] = process.argv.slice(2) as [string, string];
  const dataDir = path.join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ rehearsal: true, outputDir: path.join(dir, 'clips'), concurrency: 3 }));
  const app = new AppServices({ dataDir, mode: 'browser', version: 'bench', env: { ...process.env, VENICE_API_KEY: '' } });
  await app.start();
  const web = await startWebServer({ app, rendererDir, port: 0, log: () => undefined });

  let stalls: string[] = [];
  const dog = startLoopWatchdog({ thresholdMs: 100, log: (line) => stalls.push(line) });
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const meter = blockMeter();

  process.on('message', (m: { kind: string }) => {
    if (m.kind === 'mark') {
      meter.reset();
      stalls = [];
      histogram.reset();
    } else if (m.kind === 'report') {
      const report: ServerLoopReport = {
        longestMs: meter.longestMs(),
        delayMaxMs: histogram.max / 1e6,
        delayP99Ms: histogram.percentile(99) / 1e6,
        stalls: [...stalls],
      };
      process.send?.({ kind: 'report', report } satisfies ServerMessage);
    } else if (m.kind === 'stop') {
      meter.stop();
      dog.stop();
      void web
        .close()
        .then(() => app.close())
        .then(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ kind: 'ready', openUrl: web.openUrl } satisfies ServerMessage);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
