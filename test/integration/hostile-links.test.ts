/**
 * Pre-signed download links come from whoever answers at VENICE_BASE_URL, so they are checked before any byte is
 * requested: https only (except the configured API host itself, which is how the simulator and test servers on
 * loopback hand out links), never a private, link-local or loopback address under another name (the name is
 * resolved and the address checked), and no redirect to another host.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress } from '../../main/core/venice/download-url';
import { VeniceError } from '../../main/core/venice/errors';
import { startHostileRig, type HostileRig } from '../helpers/hostile-rig';

let rig: HostileRig;
let bystander: Server;
let bystanderHits = 0;
let bystanderPort = 0;

beforeAll(async () => {
  rig = await startHostileRig();
  // Another service on this machine that a hostile link must never reach (think of a router's admin page).
  bystander = createServer((_req, res) => {
    bystanderHits++;
    res.end('secret');
  });
  await new Promise<void>((r) => bystander.listen(0, '127.0.0.1', r));
  bystanderPort = (bystander.address() as AddressInfo).port;
});
afterAll(async () => {
  await rig.close();
  await new Promise<void>((r) => bystander.close(() => r()));
});
afterEach(() => {
  rig.venice.on.download = undefined;
});

async function refusal(url: string): Promise<VeniceError> {
  const before = { own: rig.venice.hits.download ?? 0, other: bystanderHits };
  try {
    await rig.client.downloadFromUrl(url, path.join(rig.dir, 'refused.mp4'));
  } catch (e) {
    expect(e).toBeInstanceOf(VeniceError);
    // Refused before any request left: neither server saw one.
    expect(rig.venice.hits.download ?? 0).toBe(before.own);
    expect(bystanderHits).toBe(before.other);
    return e as VeniceError;
  }
  throw new Error(`${url} was downloaded`);
}

describe('download links', () => {
  it('fetches a link on the configured API host itself, even over http on loopback', async () => {
    const dl = await rig.client.downloadFromUrl(`${rig.venice.origin}/dl/q-1?sig=abc`, path.join(rig.dir, 'ok.mp4'));
    expect(dl.bytes).toBe(rig.venice.clip.length);
  });

  it('refuses plain http to any other host', async () => {
    const e = await refusal(`http://127.0.0.1:${bystanderPort}/dl/x`);
    expect(e.message).toMatch(/https/);
    expect(e.retryable).toBe(false);
    await refusal(`http://localhost:${rig.venice.port}/dl/q-1`);
    await refusal('ftp://example.com/clip.mp4');
    await refusal('file:///etc/passwd');
  });

  it('refuses loopback, private and link-local addresses, by literal or by name', async () => {
    for (const url of [
      `https://127.0.0.1:${bystanderPort}/x`,
      `https://127.1.2.3:${bystanderPort}/x`,
      `https://localhost:${bystanderPort}/x`,
      `https://[::1]:${bystanderPort}/x`,
      'https://10.1.2.3/x',
      'https://192.168.0.1/x',
      'https://169.254.169.254/latest/meta-data/',
      'https://[fe80::1]/x',
      'https://[::ffff:127.0.0.1]/x',
      'https://0.0.0.0/x',
    ]) {
      const e = await refusal(url);
      expect(e.message, url).toMatch(/private|local/);
    }
  });

  it('does not follow a redirect to another host', async () => {
    rig.venice.on.download = ({ res }) => {
      res.writeHead(302, { location: `http://localhost:${bystanderPort}/steal` });
      res.end();
    };
    const before = bystanderHits;
    await expect(rig.client.downloadFromUrl(`${rig.venice.origin}/dl/q-1`, path.join(rig.dir, 'r.mp4'))).rejects.toThrow(/redirect/);
    expect(bystanderHits).toBe(before);
  });

  it('follows a redirect that stays on the same host', async () => {
    rig.venice.on.download = ({ req, res }) => {
      if (req.url === '/dl/moved') return undefined;
      res.writeHead(302, { location: '/dl/moved' });
      res.end();
    };
    const dl = await rig.client.downloadFromUrl(`${rig.venice.origin}/dl/q-1`, path.join(rig.dir, 'moved.mp4'));
    expect(dl.bytes).toBe(rig.venice.clip.length);
  });

  it('fails the row at once on a refused link and keeps the paid job', async () => {
    rig.venice.downloadUrl = () => `https://localhost:${bystanderPort}/dl/evil`;
    const batchId = rig.addBatch();
    await rig.engine.start();
    const failed = await rig.waitFor(batchId, ['failed', 'done']);
    expect(failed.errorKind).toBe('download_failed');
    expect(failed.errorMessage).toMatch(/private|local/);
    expect(bystanderHits).toBe(0);
    // One look at the link was enough: a refused address does not become safe by asking again.
    expect(rig.venice.hits.retrieve).toBe(1);
    expect(rig.venice.charges).toBe(1);
    await rig.engine.stop();
  });

  it('classifies addresses', () => {
    for (const ip of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '151.101.1.1']) expect(isPublicAddress(ip), ip).toBe(true);
    for (const ip of ['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.1.1', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fc00::1', 'fd12::1', '::ffff:10.0.0.1', '::ffff:127.0.0.1', 'ff02::1', '198.18.0.1']) {
      expect(isPublicAddress(ip), ip).toBe(false);
    }
  });
});
