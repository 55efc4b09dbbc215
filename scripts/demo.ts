/**
 * `npm run demo`: the whole pipeline headless against the offline simulator (Rehearsal), in a fresh folder:
 * a sample sheet is validated, quoted, queued, polled, downloaded and verified, then stitched into one MP4 with
 * crossfades, with an EDL, an FCPXML and a contact sheet for the editing suite.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../main/cli';

const root = process.argv[2] ? path.resolve(process.argv[2]) : mkdtempSync(path.join(os.tmpdir(), 'venice-batch-demo-'));
mkdirSync(root, { recursive: true });
process.env.VENICE_BATCH_DATA = path.join(root, 'data');
process.env.VENICE_BATCH_REHEARSAL_MS ??= '2000';

const sheet = path.join(root, 'shots.csv');
writeFileSync(
  sheet,
  [
    'Shot,Prompt,Model,Duration (s),Resolution,Aspect Ratio,Audio,Scene',
    '"Opening","Slow aerial push over a foggy harbour at dawn, gulls circling",sim-fast-text-to-video,3,480p,16:9,yes,S01',
    '"Market","Handheld walk through a busy fish market, warm light, shallow focus",sim-fast-text-to-video,2,480p,16:9,no,S01',
    '"Lighthouse","Lighthouse beam sweeping across rain, cinematic, 35mm",sim-wan-2.5-text-to-video,5,480p,16:9,yes,S02',
    '"Vertical teaser","Neon sign flickering in the rain, close-up",sim-fast-text-to-video,3,480p,9:16,no,S02',
    '"Closing","Boats returning at sunset, long shadows, calm water",sim-fast-text-to-video,3,480p,16:9,yes,S03',
  ].join('\r\n'),
);

const out = path.join(root, 'clips');
console.log(`Demo folder: ${root}\n`);
console.log('$ venice-batch validate shots.csv --rehearsal');
let code = await main(['validate', sheet, '--rehearsal']);
if (code !== 0) process.exit(code);
console.log('\n$ venice-batch quote shots.csv --rehearsal');
code = await main(['quote', sheet, '--rehearsal']);
if (code !== 0) process.exit(code);
console.log('\n$ venice-batch run shots.csv --out clips --rehearsal --template "{scene}-{row}-{name}"');
code = await main(['run', sheet, '--out', out, '--rehearsal', '--concurrency', '3', '--template', '{scene}-{row}-{name}']);
const stitched = path.join(root, 'stitched.mp4');
if (code !== 2) {
  console.log('\n$ venice-batch export clips --out stitched.mp4 --transition crossfade=0.5 --edl stitched.edl --fcpxml stitched.fcpxml --contact-sheet contact-sheet.png');
  const exported = await main([
    'export', out, '--out', stitched, '--transition', 'crossfade=0.5',
    '--edl', path.join(root, 'stitched.edl'), '--fcpxml', path.join(root, 'stitched.fcpxml'), '--contact-sheet', path.join(root, 'contact-sheet.png'),
  ]);
  code = code || exported;
}
console.log(`\nDone. Clips: ${out}\nStitched: ${stitched}`);
process.exit(code);
