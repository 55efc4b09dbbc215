/**
 * Child process for the download bench: one download through the product's client (VeniceClient.downloadFromUrl,
 * which streams to disk), then reports this process's peak RSS. One process per download, so each peak is that
 * download's alone. With no URL it only loads the client and reports: the idle footprint both downloads start from.
 */
import { VeniceClient } from '../main/core/venice/client';

export interface DownloadReport {
  bytes: number;
  ms: number;
  /** process.resourceUsage().maxRSS is in kilobytes. */
  maxRssKb: number;
}

async function main(): Promise<void> {
  const [url, dest] = process.argv.slice(2);
  // The link is the credential for downloads: no key is needed (and none must be sent). The bench's server stands
  // in for the API host itself, the one host a plain-http loopback link is accepted from.
  const client = new VeniceClient({ apiKey: () => undefined, baseUrl: url ? `${new URL(url).origin}/api/v1` : undefined });
  let bytes = 0;
  const t0 = performance.now();
  if (url && dest) bytes = (await client.downloadFromUrl(url, dest)).bytes;
  const report: DownloadReport = { bytes, ms: performance.now() - t0, maxRssKb: process.resourceUsage().maxRSS };
  process.send?.(report, () => process.exit(0));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
