/**
 * Bench 3: peak memory of the product's client while downloading a 1 GB clip vs a 10 MB one. Streaming to disk
 * means the peak should not grow with the file: goal ratio ~1.
 *
 * Three processes, all on 127.0.0.1: a server child that generates the bytes, and one downloader child per
 * download (plus one that downloads nothing, for the idle footprint). Each downloader's peak RSS is its own.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DownloadReport } from './download-client';
import { fmt, type BenchRow } from './table';
import { detail, makeTempDir, removeTempDir } from './temp';

const here = path.dirname(fileURLToPath(import.meta.url));

/** fork() reuses this process's execArgv, so the children run TypeScript through tsx like the parent. */
function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(path.join(here, 'download-server.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, port: (m as { port: number }).port }));
    child.once('exit', (code) => reject(new Error(`the download server exited early (${code})`)));
  });
}

function runDownload(url: string | undefined, dest: string | undefined): Promise<DownloadReport> {
  const args = url && dest ? [url, dest] : [];
  const child = fork(path.join(here, 'download-client.ts'), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let report: DownloadReport | undefined;
    child.once('message', (m) => (report = m as DownloadReport));
    child.once('exit', (code) => (report ? resolve(report) : reject(new Error(`the downloader exited with ${code} and no report`))));
  });
}

export async function benchDownloadMemory(opts: { quick: boolean }): Promise<BenchRow[]> {
  const small = 10 * 1024 * 1024;
  // A middle size shows where the peak levels off: it is reached within the first ~100 MB (V8 lets external
  // Buffer memory build up to a fixed headroom before collecting), then stays flat however large the file.
  const middle = 100 * 1024 * 1024;
  const large = 1024 * 1024 * 1024;
  const dir = makeTempDir('download');
  const server = await startServer();
  try {
    const idle = await runDownload(undefined, undefined);
    detail(`idle downloader process (client loaded, no download): peak RSS ${fmt.mb(idle.maxRssKb * 1024)}`);
    const measure = async (bytes: number): Promise<DownloadReport> => {
      const dest = path.join(dir, `clip-${bytes}.mp4`);
      const r = await runDownload(`http://127.0.0.1:${server.port}/bytes/${bytes}`, dest);
      const onDisk = statSync(dest).size;
      rmSync(dest, { force: true });
      if (r.bytes !== bytes || onDisk !== bytes) throw new Error(`downloaded ${r.bytes} bytes (${onDisk} on disk), expected ${bytes}`);
      detail(
        `${fmt.mb(bytes, 0).padStart(7)}: peak RSS ${fmt.mb(r.maxRssKb * 1024)} (+${fmt.mb((r.maxRssKb - idle.maxRssKb) * 1024)} over idle), ` +
          `${fmt.s(r.ms, 2)}, ${fmt.mb((bytes / r.ms) * 1000, 0)}/s`,
      );
      return r;
    };
    // The quick run repeats nothing; the full run takes the lower of two peaks per size (a GC that ran late
    // should not decide the verdict either way).
    const rounds = opts.quick ? 1 : 2;
    const smallRuns: DownloadReport[] = [];
    const middleRuns: DownloadReport[] = [];
    const largeRuns: DownloadReport[] = [];
    for (let i = 0; i < rounds; i++) {
      smallRuns.push(await measure(small));
      middleRuns.push(await measure(middle));
      largeRuns.push(await measure(large));
    }
    const best = (runs: DownloadReport[]) => runs.reduce((a, b) => (b.maxRssKb < a.maxRssKb ? b : a));
    const s = best(smallRuns);
    const m = best(middleRuns);
    const l = best(largeRuns);
    return [
      {
        name: 'download: peak RSS 1 GB / 10 MB',
        measured: fmt.mb(l.maxRssKb * 1024),
        baseline: fmt.mb(s.maxRssKb * 1024),
        ratio: l.maxRssKb / s.maxRssKb,
        note: `goal ~1; idle process ${fmt.mb(idle.maxRssKb * 1024, 0)}; 1 GB at ${fmt.mb((large / l.ms) * 1000, 0)}/s, 10 MB at ${fmt.mb((small / s.ms) * 1000, 0)}/s`,
      },
      {
        name: 'download: peak RSS 1 GB / 100 MB',
        measured: fmt.mb(l.maxRssKb * 1024),
        baseline: fmt.mb(m.maxRssKb * 1024),
        ratio: l.maxRssKb / m.maxRssKb,
        note: 'plateau check: ~1 means a fixed overhead, not growth with file size',
      },
    ];
  } finally {
    server.child.kill();
    removeTempDir(dir);
  }
}
