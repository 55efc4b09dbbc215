// Runs every gate and every test runner in turn and adds their counts into one closing line.
// Typecheck and lint count as one check each; Vitest and Playwright report their own test counts.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, mkdirSync } from 'node:fs';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(`Tests must run on Node 24 (the Node inside Electron 45); this is ${process.version}. Run them through npm.`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

let passed = 0;
let failed = 0;
let skipped = 0;
mkdirSync('test-results', { recursive: true });

function run(label, cmd, args, env = {}) {
  console.log(`\n=== ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function gate(label, cmd, args) {
  const status = run(label, cmd, args);
  if (status === 0) passed += 1;
  else {
    failed += 1;
    console.log(`${label} FAILED`);
  }
}

gate('typecheck', 'tsc', ['-p', 'tsconfig.json', '--noEmit']);
gate('lint', 'eslint', ['.']);

// Vitest: unit and integration (real HTTP, real ffmpeg, real SQLite, real Secret Service).
const vitestJson = 'test-results/vitest.json';
const vStatus = run('vitest', 'vitest', ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
if (existsSync(vitestJson)) {
  const r = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  // A suite that failed to load reports no tests: count it, so a broken file can't hide.
  if (vStatus !== 0 && r.numFailedTests === 0) failed += Math.max(1, r.numFailedTestSuites);
} else if (vStatus !== 0) failed += 1;

// Playwright: end-to-end in Chromium (browser mode) and, where Electron exists, the desktop suite.
if (existsSync('playwright.config.ts')) {
  const pwJson = 'test-results/playwright.json';
  const pStatus = run('playwright', 'playwright', ['test'], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson });
  if (existsSync(pwJson)) {
    const s = JSON.parse(readFileSync(pwJson, 'utf8')).stats;
    passed += s.expected + (s.flaky ?? 0);
    failed += s.unexpected;
    skipped += s.skipped;
    if (pStatus !== 0 && s.unexpected === 0) failed += 1;
  } else if (pStatus !== 0) failed += 1;
}

console.log('');
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
