/**
 * `shopbooks fleet serve`: the status page (loopback by default), health and metrics endpoints
 * for a process supervisor, Retry / Pause / Resume per connection, and the webhook endpoint
 * (`POST /webhooks/<connection>`: WooCommerce deliveries verified with that connection's secret,
 * enqueue a sync at once).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type PgBoss from 'pg-boss';
import { verifyWooSignature } from '../worker';
import type { Connections, ConnectionRow } from './connections';
import type { RateBudget } from './rate-budget';
import { enqueueSync, SYNC_QUEUE, DEAD_QUEUE } from './worker';

export interface FleetServer {
  url: string;
  close(): Promise<void>;
}

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > 4 * 1024 * 1024) throw new Error('body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function page(rows: ConnectionRow[], budgets: Awaited<ReturnType<RateBudget['usage']>>): string {
  const tr = rows
    .map((r) => {
      const lr = (r.lastRun ?? {}) as Record<string, unknown>;
      const health = r.paused ? 'paused' : r.failureStreak > 0 ? 'failing' : r.lastRunAt ? 'ok' : 'waiting';
      return `<tr class="${health}"><td>${esc(r.id)}</td><td>${esc(r.platform)} → ${esc(r.target)}</td><td>${esc(health)}</td><td>${esc(r.lastRunAt ?? '—')}</td><td>${esc(r.bookedTotal)}</td><td>${esc(lr.failed ?? 0)}</td><td>${esc(r.pauseReason ?? r.lastError ?? '')}</td><td>${esc(r.budgetKey)}</td>
<td><form method="post" action="/connections/${encodeURIComponent(r.id)}/retry"><button>Retry</button></form>${r.paused ? `<form method="post" action="/connections/${encodeURIComponent(r.id)}/resume"><button>Resume</button></form>` : `<form method="post" action="/connections/${encodeURIComponent(r.id)}/pause"><button>Pause</button></form>`}</td></tr>`;
    })
    .join('\n');
  const bt = budgets.map((b) => `<tr><td>${esc(b.key)}</td><td>${b.inWindow} / ${b.limit} per ${b.windowMs / 1000}s</td><td>${b.usedTotal}</td><td>${Math.round(b.waitedMs / 1000)} s</td><td>${b.observed429}</td></tr>`).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shopbooks fleet</title><style>body{font:14px system-ui;margin:2em}td,th{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left}tr.paused{background:#fde}tr.failing{background:#ffd}form{display:inline}</style></head><body>
<h1>Shopbooks fleet</h1><table><tr><th>Connection</th><th>Shop → books</th><th>Health</th><th>Last run</th><th>Booked</th><th>Failed (last run)</th><th>Reason</th><th>Rate budget</th><th></th></tr>${tr}</table>
<h2>Rate budgets</h2><table><tr><th>Division / administration</th><th>Used in window</th><th>Calls</th><th>Waited</th><th>429s seen</th></tr>${bt}</table></body></html>`;
}

export async function startFleetServer(o: { boss: PgBoss; connections: Connections; budget: RateBudget; host?: string; port?: number }): Promise<FleetServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const send = (status: number, text: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'Content-Type': type });
      res.end(text);
    };
    if (req.method === 'GET' && url.pathname === '/healthz') {
      await o.connections.list();
      return send(200, 'ok\n');
    }
    if (req.method === 'GET' && url.pathname === '/metrics') {
      const rows = await o.connections.list();
      const budgets = await o.budget.usage();
      const lines = [
        `shopbooks_connections ${rows.length}`,
        `shopbooks_connections_paused ${rows.filter((r) => r.paused).length}`,
        `shopbooks_queue_size{queue="${SYNC_QUEUE}"} ${await o.boss.getQueueSize(SYNC_QUEUE)}`,
        `shopbooks_queue_size{queue="${DEAD_QUEUE}"} ${await o.boss.getQueueSize(DEAD_QUEUE)}`,
        ...rows.map((r) => `shopbooks_booked_total{connection="${r.id}"} ${r.bookedTotal}`),
        ...budgets.map((b) => `shopbooks_rate_budget_in_window{budget="${b.key}"} ${b.inWindow}\nshopbooks_rate_budget_429_total{budget="${b.key}"} ${b.observed429}`),
      ];
      return send(200, lines.join('\n') + '\n');
    }
    if (req.method === 'GET' && url.pathname === '/api/connections') return send(200, JSON.stringify(await o.connections.list()), 'application/json');
    if (req.method === 'GET' && url.pathname === '/') return send(200, page(await o.connections.list(), await o.budget.usage()), 'text/html; charset=utf-8');
    const action = /^\/connections\/([^/]+)\/(retry|pause|resume)$/.exec(url.pathname);
    if (req.method === 'POST' && action) {
      const id = decodeURIComponent(action[1]);
      if (action[2] === 'pause') await o.connections.pause(id, 'Paused by hand on the status page.');
      else {
        if (action[2] === 'resume') await o.connections.resume(id);
        await enqueueSync(o.boss, { connectionId: id, reason: 'retry' });
      }
      res.writeHead(303, { Location: '/' });
      return res.end();
    }
    const hook = /^\/webhooks\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'POST' && hook) {
      const raw = await body(req);
      const conn = await o.connections.get(decodeURIComponent(hook[1]));
      if (!conn) return send(404, 'unknown connection\n');
      // WooCommerce's ping when a webhook is created: unsigned form body, answered, triggers nothing
      if (/^webhook_id=\d+$/.test(raw.toString('utf8'))) return send(200, 'ok\n');
      if (!conn.webhookSecret || !verifyWooSignature(raw, req.headers['x-wc-webhook-signature'] as string | undefined, conn.webhookSecret)) return send(401, 'signature missing or wrong\n');
      if (!conn.paused) await enqueueSync(o.boss, { connectionId: conn.id, reason: 'webhook' });
      return send(202, 'queued\n');
    }
    send(404, 'not found\n');
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`error: ${e.message}\n`);
    });
  });
  await new Promise<void>((r) => server.listen(o.port ?? 8790, o.host ?? '127.0.0.1', r));
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  return {
    url: `http://${o.host ?? '127.0.0.1'}:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
