/**
 * Packages the app into an unpacked folder with electron-builder, in a process of its own (the packaging test runs
 * it as a child so that electron-builder's long synchronous steps do not freeze the test's event loop).
 * Usage: node test/support/package-dir.mjs '{"electronDist":..., "output":..., "ffmpegDir":...}'
 */
import path from 'node:path';
import { build, Platform } from 'electron-builder';

const o = JSON.parse(process.argv[2] ?? '{}');
await build({
  projectDir: process.cwd(),
  targets: Platform.LINUX.createTarget('dir'),
  config: {
    extends: path.resolve('electron-builder.yml'),
    electronDist: o.electronDist,
    directories: { output: o.output },
    // Stands for the folder the packaging machine fills with the real binaries.
    extraResources: [{ from: o.ffmpegDir, to: 'ffmpeg' }],
  },
  publish: 'never',
});
