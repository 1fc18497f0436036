/**
 * A proxy in front of a simulated accounting API that answers the first `holdWrites` writes with
 * a 429 whose reset lies far ahead, as a shared API quota would: the client waits (pacing) and
 * sends the write again later — a write slowed down while its run holds the claim. Everything
 * else passes through. Counts what it held and what it forwarded.
 */
import { createServer, request, type Server } from 'node:http';
import type { Socket } from 'node:net';

export class HoldProxy {
  url = '';
  held = 0;
  forwardedWrites = 0;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly o: { upstream: string; holdWrites: number; tooManyHeaders: () => Record<string, string>; passThrough: (path: string) => boolean }) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const method = (req.method ?? 'GET').toUpperCase();
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        const write = method !== 'GET' && method !== 'HEAD' && !this.o.passThrough(path);
        if (write && this.held < this.o.holdWrites) {
          this.held++;
          res.writeHead(429, this.o.tooManyHeaders());
          res.end();
          return;
        }
        if (write) this.forwardedWrites++;
        const up = new URL(this.o.upstream);
        const upReq = request({ host: up.hostname, port: up.port, method, path: req.url, headers: { ...req.headers, host: up.host, 'content-length': String(body.length) } }, (upRes) => {
          const h = { ...upRes.headers };
          delete h['transfer-encoding'];
          delete h.connection;
          res.writeHead(upRes.statusCode ?? 502, h);
          upRes.pipe(res);
        });
        upReq.on('error', () => req.socket.destroy());
        upReq.end(body);
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    const addr = this.server.address();
    if (!addr || typeof addr === 'string') throw new Error('hold proxy: no port');
    this.url = `http://127.0.0.1:${addr.port}`;
    return this.url;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
