#!/usr/bin/env node
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: the audit hooks require() to keep itself offline */
// Runs Electronegativity (@doyensec/electronegativity) over the app's sources (main/, preload/, renderer/, as one
// application, so checks that look across files see the whole app) and prints its findings as JSON; exits 1 when
// there is any finding or any file it could not parse (the CLI itself exits 0 either way).
// The audit is offline: the tool's two network calls (translations, Electron's release list) are answered "no
// network" at once, so the run is deterministic and never waits on a timeout.
'use strict';
const Module = require('node:module');
const path = require('node:path');

const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  if (request === 'got' && parent && parent.filename.includes(`${path.sep}electronegativity${path.sep}`)) {
    const offline = () => Promise.reject(new Error('offline audit'));
    offline.head = offline;
    offline.get = offline;
    return offline;
  }
  return originalLoad.call(this, request, parent, isMain);
};

const { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const run = require('@doyensec/electronegativity');
const ELECTRON_VERSION = require('electron/package.json').version;
const INPUTS = ['main', 'preload', 'renderer'];
// `--root DIR` audits another tree laid out the same way (the test uses it to prove the audit does find problems).
const rootArg = process.argv.indexOf('--root');
const ROOT = path.resolve(rootArg > 0 ? process.argv[rootArg + 1] : '.');

function countSources(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) n += countSources(path.join(dir, e.name));
    else if (/\.(jsx?|tsx?|html?)$/.test(e.name)) n += 1;
  }
  return n;
}

/** The sources, staged in one folder with a package.json naming Electron (no node_modules, no tests). */
function stage() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vb-electronegativity-'));
  for (const input of INPUTS) if (existsSync(path.join(ROOT, input))) cpSync(path.join(ROOT, input), path.join(dir, input), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'venice-batch', devDependencies: { electron: ELECTRON_VERSION } }));
  return dir;
}

(async () => {
  const silenced = console.log;
  const report = { electron: ELECTRON_VERSION, inputs: INPUTS, files: 0, checks: 0, issues: [], errors: [] };
  const dir = stage();
  report.files = countSources(dir);
  try {
    console.log = () => undefined; // the tool prints progress and notes about its network calls
    let result;
    try {
      result = await run({ input: dir, isRelative: true, electronVersionOverride: ELECTRON_VERSION, output: undefined }, false);
    } finally {
      console.log = silenced;
    }
    report.checks = result.globalChecks + result.atomicChecks;
    for (const i of result.issues) {
      report.issues.push({
        id: i.id,
        file: i.file,
        line: i.location.line,
        column: i.location.column,
        severity: i.severity.name,
        confidence: i.confidence.name,
        description: i.description,
        manualReview: Boolean(i.manualReview),
      });
    }
    for (const e of result.errors) report.errors.push({ file: path.relative(dir, e.file), message: e.message, tolerable: Boolean(e.tolerable) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.exit(report.issues.length || report.errors.some((e) => !e.tolerable) ? 1 : 0);
})().catch((e) => {
  console.error(e);
  process.exit(2);
});
