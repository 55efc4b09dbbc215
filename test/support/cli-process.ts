/**
 * Runs the real `venice-batch` CLI as its own process, so tests can kill it with SIGKILL like a crash or a power
 * cut. The CLI is bundled once with esbuild (the same way `npm run build` does) so each start is quick.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { build } from 'esbuild';
import { renameSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// import.meta, not __dirname: the bench (tsx, plain ESM) drives the CLI through this file too.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUNDLE = path.join(ROOT, 'dist', 'test-cli', 'cli.cjs');
let built: Promise<string> | undefined;

/**
 * Every test file builds the bundle once, and files run in parallel: each writes its own file and renames it into
 * place, so a CLI started by another file never reads one half written (an empty bundle ran as a CLI that printed
 * nothing and exited 0: a full run failed once that way).
 */
export function buildCli(): Promise<string> {
  const own = `${BUNDLE}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  built ??= build({
    entryPoints: [path.join(ROOT, 'main', 'cli.ts')],
    outfile: own,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    logLevel: 'warning',
    external: ['electron', 'keytar', 'fluent-ffmpeg', 'exceljs', 'pg-native'],
  }).then(() => {
    renameSync(own, BUNDLE);
    return BUNDLE;
  });
  return built;
}

export interface CliRun {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export async function startCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const bundle = await buildCli();
  const child = spawn(process.execPath, [bundle, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

export async function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<{ code: number | null; output: string }> {
  const run = await startCli(args, env);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), timeoutMs);
  const code = await run.exited;
  clearTimeout(timer);
  return { code, output: run.output() };
}
