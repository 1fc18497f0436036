/**
 * A fault-injecting HTTP proxy between a `shopbooks` process and a simulated accounting API, as a
 * flaky network or load balancer would behave: a share of the writes fail with a 503 before they
 * reach the books, an equal share is committed by the books and then the response is lost (the
 * connection is cut, as on a timeout), and on demand a burst of 429s arrives whatever the client's
 * pacing. Token requests are passed through untouched (a lost token response is covered by the
 * targets' own contract tests). Everything the proxy injects is counted, so 429s the books
 * answered themselves are caused by our own pacing.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface FaultProxyOptions {
  upstream: string;
  /** Share of writes that fail (half before the write, half after it committed). */
  writeFailRate: number;
  rng: () => number;
  /** Paths that are never faulted (OAuth token endpoints). */
  passThrough: (path: string) => boolean;
  /** Headers of an injected 429 in the books' own format. */
  tooManyHeaders: () => Record<string, string>;
}

export interface FaultProxyStats {
  requests: number;
  writes: number;
  failedBeforeCommit: number;
  lostAfterCommit: number;
  injected429: number;
}

export class FaultProxy {
  readonly stats: FaultProxyStats = { requests: 0, writes: 0, failedBeforeCommit: 0, lostAfterCommit: 0, injected429: 0 };
  /** Faults on/off (off for the final clean-up runs). */
  enabled = true;
  private pending429 = 0;
  private tokenCalls = 0;
  private tokenQuietAt = 0;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  url = '';

  constructor(private readonly o: FaultProxyOptions) {}

  /**
   * True while a token request is in flight or just answered (the client may not have saved the
   * rotated refresh token yet). A SIGKILL in that window loses the connection whatever the client
   * does, because both simulated servers spend a refresh token at once; the soak counts such
   * windows and does not kill inside them.
   */
  tokenBusy(marginMs = 750): boolean {
    return this.tokenCalls > 0 || Date.now() < this.tokenQuietAt + marginMs;
  }

  /** The next `n` API requests get a 429. */
  burst429(n: number): void {
    this.pending429 += n;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    const addr = this.server.address();
    if (!addr || typeof addr === 'string') throw new Error('fault proxy: no port');
    this.url = `http://127.0.0.1:${addr.port}`;
    return this.url;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    const write = method !== 'GET' && method !== 'HEAD';
    const faultable = this.enabled && !this.o.passThrough(path);
    this.stats.requests++;
    if (write && !this.o.passThrough(path)) this.stats.writes++;
    if (faultable && this.pending429 > 0) {
      this.pending429--;
      this.stats.injected429++;
      res.writeHead(429, this.o.tooManyHeaders());
      res.end();
      return;
    }
    let lose = false;
    if (faultable && write) {
      const r = this.o.rng();
      if (r < this.o.writeFailRate / 2) {
        this.stats.failedBeforeCommit++;
        const text = JSON.stringify({ error: 'Service Unavailable' });
        res.writeHead(503, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
        res.end(text);
        return;
      }
      lose = r < this.o.writeFailRate;
    }
    const token = this.o.passThrough(path);
    if (token) this.tokenCalls++;
    const tokenDone = () => {
      if (!token) return;
      this.tokenCalls--;
      this.tokenQuietAt = Date.now();
    };
    const up = new URL(this.o.upstream);
    const headers = { ...req.headers, host: up.host, 'content-length': String(body.length) };
    const upReq = request({ host: up.hostname, port: up.port, method, path: req.url, headers }, (upRes) => {
      const out: Buffer[] = [];
      upRes.on('data', (c: Buffer) => out.push(c));
      upRes.on('end', () => {
        tokenDone();
        if (lose) {
          // the books committed the write; the client never hears of it
          this.stats.lostAfterCommit++;
          req.socket.destroy();
          return;
        }
        if (res.destroyed) return;
        const h = { ...upRes.headers };
        delete h['transfer-encoding'];
        delete h.connection;
        res.writeHead(upRes.statusCode ?? 502, h);
        res.end(Buffer.concat(out));
      });
    });
    upReq.on('error', () => {
      tokenDone();
      if (!res.destroyed) req.socket.destroy();
    });
    upReq.end(body);
  }
}
