/**
 * Child process for the download bench: a tiny HTTP server on 127.0.0.1 that answers GET /bytes/<n> with n bytes
 * of generated data and an exact Content-Length, streamed with backpressure from one reused 64 KB buffer. Nothing
 * is read from disk, so serving 1 GB costs neither a 1 GB file nor 1 GB of memory. It lives in its own process so
 * its buffers never count toward the downloader's peak RSS, and it exits when the parent disconnects.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const CHUNK = Buffer.alloc(64 * 1024, 0x5a);

const server = createServer((req, res) => {
  const m = /^\/bytes\/(\d+)$/.exec(req.url ?? '');
  if (!m || req.method !== 'GET') {
    res.writeHead(404).end();
    return;
  }
  const total = Number(m[1]);
  res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': total });
  let left = total;
  const pump = () => {
    while (left > 0) {
      const n = Math.min(left, CHUNK.length);
      left -= n;
      const more = res.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n));
      if (!more) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  res.on('close', () => (left = 0));
  pump();
});

server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('disconnect', () => process.exit(0));
