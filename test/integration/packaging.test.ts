/**
 * Packs the app `--dir` for Linux with electron-builder and electron-builder.yml, using a stand-in Electron folder
 * (no download: its "binary" is a script carrying the fuse wire, so electron-builder really flips the fuses), then
 * checks the asar holds what the app needs and nothing it should not, the native module sits outside the asar,
 * the bundled ffmpeg lands in resources/, and the fuses are set.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const DISABLE = 48;
const ENABLE = 49;
const INHERIT = 144;

let dir: string;
let out: string;
let files: string[];
let extractFile: (archive: string, file: string) => Buffer;

/** An "Electron" that electron-builder can copy, rename and flip fuses in: fuse wire v1, 8 fuses, all unset. */
function standInElectron(at: string): void {
  mkdirSync(path.join(at, 'resources'), { recursive: true });
  mkdirSync(path.join(at, 'locales'), { recursive: true });
  const wire = Buffer.concat([Buffer.from(FUSE_SENTINEL), Buffer.from([1, 8]), Buffer.alloc(8, INHERIT)]);
  writeFileSync(path.join(at, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\necho "stand-in Electron"\n'), Buffer.alloc(64), wire, Buffer.alloc(64)]));
  chmodSync(path.join(at, 'electron'), 0o755);
  writeFileSync(path.join(at, 'version'), JSON.parse(readFileSync('node_modules/electron/package.json', 'utf8')).version);
  writeFileSync(path.join(at, 'LICENSE'), 'stand-in');
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vb-pack-'));
  out = path.join(dir, 'release');
  standInElectron(path.join(dir, 'electron'));
  const ffmpegDir = path.join(dir, 'ffmpeg');
  mkdirSync(ffmpegDir);
  for (const name of ['ffmpeg', 'ffprobe']) writeFileSync(path.join(ffmpegDir, name), '#!/bin/sh\n');

  // Built in a child without blocking this loop (the loop watchdog counts a long block as a failure); throws with
  // the build's output when it fails.
  await promisify(execFile)(process.execPath, ['scripts/build.mjs'], { encoding: 'utf8', maxBuffer: 16 << 20 });

  await promisify(execFile)(process.execPath, ['test/support/package-dir.mjs', JSON.stringify({ electronDist: path.join(dir, 'electron'), output: out, ffmpegDir })], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  const asar = await import('@electron/asar');
  extractFile = asar.extractFile;
  files = asar.listPackage(path.join(out, 'linux-unpacked', 'resources', 'app.asar'), { isPack: false }).map((f) => f.split(path.sep).join('/'));
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packaged app', () => {
  it('holds what the app runs', () => {
    for (const f of [
      '/package.json',
      '/dist/main/index.cjs',
      '/dist/main/cli.cjs',
      '/dist/preload/index.cjs',
      '/dist/renderer/index.html',
      '/packaging/icon.png',
      '/node_modules/keytar/package.json',
      '/node_modules/fluent-ffmpeg/package.json',
    ]) {
      expect(files, f).toContain(f);
    }
    expect(files.some((f) => /^\/dist\/renderer\/assets\/index-[\w-]+\.js$/.test(f))).toBe(true);
    const pkg = JSON.parse(extractFile(path.join(out, 'linux-unpacked', 'resources', 'app.asar'), 'package.json').toString('utf8'));
    expect(pkg).toMatchObject({ name: 'venice-batch', main: 'dist/main/index.cjs' });
    // electron-builder strips the scripts; nothing of the dev setup rides along.
    expect(pkg.scripts).toBeUndefined();
    expect(pkg.devDependencies).toBeUndefined();
  });

  it('holds no sources, tests, fixtures, source maps, env files or keys', () => {
    const forbidden = files.filter(
      (f) =>
        /^\/(main|preload|renderer|test|bench|scripts|release|\.ci|\.git)\//.test(f) ||
        /\/(test|tests|__tests__|fixtures)\//.test(f) ||
        /\.(map|ts|tsx)$/.test(f) ||
        /(^|\/)\.env(\.|$)/.test(f) ||
        /\.(pem|key|p12|pfx)$/.test(f) ||
        /\/(\.npmrc|electron-builder\.yml|playwright\.config\.ts|vitest\.config\.ts|tsconfig\.json)$/.test(f),
    );
    expect(forbidden).toEqual([]);
    // Nothing of the dev toolchain either.
    // exceljs only writes the tests' workbooks: the app reads XLSX through fflate and saxes, bundled into dist/.
    for (const dev of ['electron', 'electron-builder', 'vite', 'vitest', 'typescript', '@playwright/test', '@doyensec/electronegativity', 'exceljs']) {
      expect(files, dev).not.toContain(`/node_modules/${dev}/package.json`);
    }
  });

  it('keeps the native keychain module outside the asar, and bundles ffmpeg beside it', () => {
    const resources = path.join(out, 'linux-unpacked', 'resources');
    expect(existsSync(path.join(resources, 'app.asar.unpacked', 'node_modules', 'keytar', 'build', 'Release', 'keytar.node'))).toBe(true);
    expect(existsSync(path.join(resources, 'ffmpeg', 'ffmpeg'))).toBe(true);
    expect(existsSync(path.join(resources, 'ffmpeg', 'ffprobe'))).toBe(true);
  });

  it('has its fuses set: no running as Node, no NODE_OPTIONS, no inspector, only its own checked asar', async () => {
    const { getCurrentFuseWire, FuseV1Options } = await import('@electron/fuses');
    const wire = (await getCurrentFuseWire(path.join(out, 'linux-unpacked', 'venice-batch'))) as unknown as Record<number, number>;
    expect(wire[FuseV1Options.RunAsNode]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ENABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(ENABLE);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(DISABLE);
  });

  it('declares every target and platform the app ships on', () => {
    const yml = readFileSync('electron-builder.yml', 'utf8');
    expect(yml).toMatch(/productName: Venice Batch/);
    expect(yml).toMatch(/target: dmg\s+arch:\s+- arm64\s+- x64/);
    expect(yml).toMatch(/target: nsis/);
    expect(yml).toMatch(/- AppImage\s+- deb/);
  });
});
