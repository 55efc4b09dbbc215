/**
 * Temp folders for the benches, all removed at the end of the run, or on Ctrl-C, so a 1 GB download or a 10,000-row
 * database never outlives the run that made it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made = new Set<string>();

export function makeTempDir(label: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `vb-bench-${label}-`));
  made.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  made.delete(dir);
}

export function removeAllTempDirs(): void {
  for (const dir of [...made]) removeTempDir(dir);
}

/** Logs a detail line, indented under its bench's heading. */
export function detail(line: string): void {
  console.log(`  ${line}`);
}
