/**
 * Bench: the overnight gauntlet. SIGKILLs at random moments over a Rehearsal batch run by the real CLI, amid every
 * fault (full disk, unplugged folder, sleep, network down, key revoked, 503 storm, random answers lost or cut).
 * The figures are counts whose goal is zero (double charges, lost paid clips, partial files, unexplained rows) or
 * at most one (rows in doubt per kill), plus the proof that kills landed mid-request and mid-download.
 */
import { describeRun } from '../test/support/gauntlet-checks';
import { runGauntlet } from '../test/support/gauntlet';
import type { BenchRow } from './table';
import { detail } from './temp';

export async function benchGauntlet(opts: { quick: boolean }): Promise<BenchRow[]> {
  const size = opts.quick ? { rows: 60, kills: 30 } : { rows: 200, kills: 100 };
  const r = await runGauntlet({ ...size, seed: 7, log: (l) => detail(l) });
  detail(describeRun(r));
  const tag = `${r.kills} kills/${r.rows} rows`;
  const zero = (name: string, n: number, note: string): BenchRow => ({ name, measured: String(n), baseline: '0', ratio: undefined, note });
  return [
    zero(`gauntlet double charges (${tag})`, r.doubleCharges, `${r.resubmitted} in-doubt row(s) re-sent by the user are not counted`),
    zero('gauntlet lost paid clips', r.lostPaidClips.length, r.lostPaidClips.slice(0, 3).join('; ')),
    zero('gauntlet partial files in the output folder', r.partialFiles.length, r.partialFiles.slice(0, 3).join('; ')),
    zero('gauntlet rows neither done nor explained', r.unexplained.length, `${r.done} done, ${r.explained} failed with a reason`),
    {
      name: 'gauntlet rows in doubt per kill (max)',
      measured: String(r.maxInDoubtPerKill),
      baseline: '1',
      ratio: r.maxInDoubtPerKill,
      note: `${r.inDoubtFromKills} in doubt over ${r.kills} kills`,
    },
    {
      name: 'gauntlet kills mid-request / mid-download',
      measured: `${r.killedMidRequest} / ${r.killedMidDownload}`,
      baseline: '>0 / >0',
      ratio: undefined,
      note: `wall ${(r.wallMs / 1000).toFixed(0)} s`,
    },
  ];
}
