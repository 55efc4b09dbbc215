/**
 * The full overnight gauntlet: 100 SIGKILLs at random moments over a 200-row batch amid every fault. Too long for
 * every CI run (the CI-size gauntlet is test/integration/gauntlet.test.ts); run it with `npm run test:gauntlet`.
 */
import { describe, expect, it } from 'vitest';
import { describeRun, expectSurvived } from '../support/gauntlet-checks';
import { runGauntlet } from '../support/gauntlet';

describe('the gauntlet (full)', () => {
  it('100 kills over 200 rows amid every fault: nothing charged twice, nothing lost, nothing partial, every row done or explained', async () => {
    const r = await runGauntlet({ rows: 200, kills: 100, seed: Number(process.env.GAUNTLET_SEED ?? 7), log: (l) => console.log(l) });
    console.log(describeRun(r));
    expectSurvived(r, 100);
    expect(r.rows).toBe(200);
  }, 3_600_000);
});
