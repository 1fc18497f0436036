/**
 * `shopbooks worker`: runs `sync` on an interval AND at once when a WooCommerce webhook
 * (order.created / order.updated) arrives, coalescing bursts into one run. The webhook endpoint
 * listens on loopback only; a delivery counts only with a valid `X-WC-Webhook-Signature`
 * (base64 HMAC-SHA256 of the raw body with the webhook secret). WooCommerce's ping on webhook
 * creation (form body `webhook_id=N`, unsigned) is answered 200 and triggers nothing.
 *
 * Runs never overlap: a trigger during a run marks the worker dirty and one more run follows.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ShopbooksError, asShopbooksError } from '../model/errors';

export const WorkerOptions = z.object({
  /** Loopback port for webhooks (0 = a free port). */
  port: z.number().int().min(0).max(65535).default(8787),
  host: z.enum(['127.0.0.1', '::1', 'localhost']).default('127.0.0.1'),
  /** Seconds between interval runs. */
  intervalSec: z.number().positive().default(300),
  /** Wait this long after a webhook for more of the same burst before running. */
  coalesceMs: z.number().int().min(0).default(250),
  /** The secret configured on the WooCommerce webhook; without it webhooks are refused (401). */
  webhookSecret: z.string().min(1).optional(),
  /** Path the webhooks are delivered to. */
  path: z.string().startsWith('/').default('/webhooks/woocommerce'),
});
export type WorkerOptionsInput = z.input<typeof WorkerOptions>;

export type WorkerEvent =
  | { type: 'run-start'; reason: 'start' | 'interval' | 'webhook'; at: number }
  | { type: 'run-end'; at: number; ok: boolean; error?: string }
  | { type: 'webhook'; topic: string; accepted: boolean; status: number; at: number };

export interface Worker {
  url: string;
  webhookUrl: string;
  /** Completed runs. */
  readonly runs: number;
  /** Ask for a run (coalesced with any other pending trigger). */
  trigger(reason: 'interval' | 'webhook'): void;
  /** Resolves when no run is in progress or pending. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const TRIGGER_TOPICS = new Set(['order.created', 'order.updated']);
const MAX_BODY = 16 * 1024 * 1024;

/** `X-WC-Webhook-Signature`: base64 HMAC-SHA256 of the raw body with the webhook secret. */
export function verifyWooSignature(rawBody: Buffer, signature: string | undefined, secret: string): boolean {
  if (!signature) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  let given: Buffer;
  try {
    given = Buffer.from(signature, 'base64');
  } catch {
    return false;
  }
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new ShopbooksError('ConfigInvalid', 'Webhook body too large.');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function startWorker(input: WorkerOptionsInput, run: () => Promise<unknown>, onEvent: (e: WorkerEvent) => void = () => undefined): Promise<Worker> {
  const o = WorkerOptions.parse(input);
  let running: Promise<void> | null = null;
  let dirty: 'interval' | 'webhook' | null = null;
  let coalesce: NodeJS.Timeout | null = null;
  let runs = 0;
  let closed = false;
  const idleWaiters: Array<() => void> = [];

  const loop = async (reason: 'start' | 'interval' | 'webhook') => {
    let why: 'start' | 'interval' | 'webhook' | null = reason;
    while (why && !closed) {
      dirty = null;
      onEvent({ type: 'run-start', reason: why, at: Date.now() });
      try {
        await run();
        onEvent({ type: 'run-end', at: Date.now(), ok: true });
      } catch (e) {
        onEvent({ type: 'run-end', at: Date.now(), ok: false, error: asShopbooksError(e).message });
      }
      runs++;
      why = dirty;
    }
    running = null;
    if (!coalesce) for (const w of idleWaiters.splice(0)) w();
  };

  const start = (reason: 'start' | 'interval' | 'webhook') => {
    if (closed) return;
    if (running) {
      dirty = dirty === 'webhook' ? 'webhook' : reason === 'start' ? 'interval' : reason;
      return;
    }
    running = loop(reason);
  };

  const trigger = (reason: 'interval' | 'webhook') => {
    if (reason === 'interval') return start('interval');
    if (coalesce) return;
    coalesce = setTimeout(() => {
      coalesce = null;
      start('webhook');
    }, o.coalesceMs);
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://worker');
      if (req.method === 'GET' && url.pathname === '/health') {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ok: true, runs, running: running !== null }));
        return;
      }
      if (req.method !== 'POST' || url.pathname !== o.path) {
        res.writeHead(404).end();
        return;
      }
      let raw: Buffer;
      try {
        raw = await readRaw(req);
      } catch {
        res.writeHead(413).end();
        return;
      }
      const signature = req.headers['x-wc-webhook-signature'] as string | undefined;
      const topic = String(req.headers['x-wc-webhook-topic'] ?? '');
      // WooCommerce pings a new webhook with an unsigned form body `webhook_id=N`
      if (!signature && /^webhook_id=\d+$/.test(raw.toString('utf8').trim())) {
        onEvent({ type: 'webhook', topic: 'ping', accepted: true, status: 200, at: Date.now() });
        res.writeHead(200).end();
        return;
      }
      if (!o.webhookSecret || !verifyWooSignature(raw, signature, o.webhookSecret)) {
        onEvent({ type: 'webhook', topic, accepted: false, status: 401, at: Date.now() });
        res.writeHead(401, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: 'invalid webhook signature' }));
        return;
      }
      const accepted = TRIGGER_TOPICS.has(topic);
      onEvent({ type: 'webhook', topic, accepted, status: 200, at: Date.now() });
      res.writeHead(200).end();
      if (accepted) trigger('webhook');
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new ShopbooksError('ConfigInvalid', 'The worker could not open its webhook port.');
  const host = o.host === '::1' ? '[::1]' : o.host;
  const interval = setInterval(() => trigger('interval'), o.intervalSec * 1000);
  start('start');

  return {
    url: `http://${host}:${addr.port}`,
    webhookUrl: `http://${host}:${addr.port}${o.path}`,
    get runs() {
      return runs;
    },
    trigger,
    idle: () => (running || coalesce ? new Promise<void>((r) => idleWaiters.push(r)) : Promise.resolve()),
    close: async () => {
      closed = true;
      clearInterval(interval);
      if (coalesce) clearTimeout(coalesce);
      coalesce = null;
      await new Promise<void>((r) => server.close(() => r()));
      await running;
    },
  };
}
