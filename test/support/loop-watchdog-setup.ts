/**
 * Vitest setup (every test file): the event-loop watchdog runs through the file and reports, at the end, every turn
 * of the loop that took more than 100 ms and what was under way (see main/core/loop-watchdog.ts). A freeze past
 * VENICE_BATCH_LOOP_FAIL_MS (default 10 s: nothing legitimate blocks that long, a busy loop does) fails the file.
 */
import { afterAll, beforeAll } from 'vitest';
import { describeStall, startLoopWatchdog, type Watchdog } from '../../main/core/loop-watchdog';

const failMs = Number(process.env.VENICE_BATCH_LOOP_FAIL_MS ?? 10_000);
let dog: Watchdog | undefined;
let seenBefore = 0;

beforeAll(() => {
  dog = startLoopWatchdog({ thresholdMs: 100 });
  seenBefore = dog.stalls().length;
});

afterAll(() => {
  if (!dog) return;
  const stalls = dog.stalls().slice(seenBefore);
  dog.stop();
  dog = undefined;
  if (stalls.length === 0) return;
  const worst = stalls.reduce((a, b) => (b.ms > a.ms ? b : a));
  console.warn(
    `event-loop watchdog: ${stalls.length} turn(s) over 100 ms in this file, worst ${worst.ms} ms\n` +
      stalls
        .slice(-10)
        .map((s) => `  ${describeStall(s)}`)
        .join('\n'),
  );
  if (failMs > 0 && worst.ms > failMs) throw new Error(`The event loop was blocked for ${worst.ms} ms (limit ${failMs} ms): ${describeStall(worst)}`);
});
