/** What every gauntlet run must show, whatever its size (the CI test and the tagged full run share it). */
import { expect } from 'vitest';
import { FAULTS, type GauntletResult } from './gauntlet';

export function expectSurvived(r: GauntletResult, kills: number): void {
  expect(r.kills).toBeGreaterThanOrEqual(kills);
  expect(r.doubleCharges, 'charges beyond one per row plus the re-sends the user chose').toBe(0);
  expect(r.lostPaidClips, 'paid clips neither kept nor still on Venice').toEqual([]);
  expect(r.partialFiles, 'partial or unverifiable files in the output folder').toEqual([]);
  expect(r.unexplained, 'rows neither done nor failed with a reason').toEqual([]);
  expect(r.maxInDoubtPerKill, 'rows left in doubt by a single kill').toBeLessThanOrEqual(1);
  // The kills really landed mid-request and mid-download (the simulator saw the client vanish).
  expect(r.killedMidRequest).toBeGreaterThan(0);
  expect(r.killedMidDownload).toBeGreaterThan(0);
  // Every fault of the gauntlet was started, and the simulator's journal shows the server-side ones struck.
  for (const f of FAULTS) expect(r.faultsStarted[f.name] ?? 0, f.name).toBeGreaterThan(0);
  for (const kind of ['network_down', 'unauthorized_401', 'unavailable_503']) expect(r.faultsFired[kind] ?? 0, kind).toBeGreaterThan(0);
  expect(r.done).toBeGreaterThan(r.rows * 0.8);
}

export function describeRun(r: GauntletResult): string {
  return (
    `gauntlet: ${r.kills} kills over ${r.rows} rows in ${(r.wallMs / 1000).toFixed(0)} s; ${r.done} done, ${r.explained} failed with a reason; ` +
    `${r.inDoubtFromKills} row(s) in doubt from kills (max ${r.maxInDoubtPerKill} per kill), ${r.resubmitted} re-sent by the user; ` +
    `${r.killedMidRequest} exchanges cut mid-request, ${r.killedMidDownload} mid-download; double charges ${r.doubleCharges}, ` +
    `lost paid clips ${r.lostPaidClips.length}, partial files ${r.partialFiles.length}; faults started ${JSON.stringify(r.faultsStarted)}; ` +
    `struck ${JSON.stringify(r.faultsFired)}`
  );
}
