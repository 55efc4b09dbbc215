/**
 * The overnight gauntlet, CI size: 30 SIGKILLs at random moments over a 60-row batch run by the real CLI, mixed
 * with a full disk, an unplugged output folder, a sleeping (frozen) process, the network down, the key revoked, a
 * 503 storm and random per-request faults. The full size (100 kills, 200 rows) runs in `npm run test:gauntlet` and
 * `npm run bench -- gauntlet`. See test/support/gauntlet.ts for what is measured.
 */
import { describe, expect, it } from 'vitest';
import { describeRun, expectSurvived } from '../support/gauntlet-checks';
import { runGauntlet } from '../support/gauntlet';

describe('the gauntlet (CI size)', () => {
  it('30 kills over 60 rows amid every fault: nothing charged twice, nothing lost, nothing partial, every row done or explained', async () => {
    const r = await runGauntlet({ rows: 60, kills: 30, seed: 2026, log: (l) => console.log(l) });
    console.log(describeRun(r));
    expectSurvived(r, 30);
    expect(r.rows).toBe(60);
  }, 1_200_000);
});
