/**
 * Webhooks (must-have 21, optional): register (the URL must answer 200), list, delete, activate /
 * deactivate; deliveries of the events the simulator records, with `enabled_events` and prefix groups
 * (`sales_invoice` matches every event starting with it; empty = all), an `Idempotency-Key` per push
 * (the same on its retries), `Moneybird-Signature: t=<unix>,v1=<hex>` = HMAC-SHA256 over "{t}.{body}"
 * with the webhook's secret (returned only at creation), up to 10 retries on non-200 with growing
 * delays, and `last_http_status` / `last_http_body` kept on the webhook.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { badRequest, notFoundForModel, symbolic } from '../errors';
import { parseId } from '../format';
import type { AdministrationState, Clock } from '../model';
import { asText, checkPermitted, type Strictness } from '../params';
import { noContent, ok, SCOPES, type Route, type RouteContext } from '../routing';
import type { Json } from '../seed';

export interface WebhookRecord {
  id: string;
  administration_id: string;
  url: string;
  enabled_events: string[];
  last_http_status: number | null;
  last_http_body: string | null;
  token: string;
  secret: string;
  deactivated_at: string | null;
}

export interface WebhookOptions {
  /** Call the URL once at registration and require a 200 (default true). */
  verifyOnCreate?: boolean;
  /** Delays before retry 1…10 (ms). Default: 1 s doubling (1, 2, 4, … 512 s). */
  retryDelaysMs?: number[];
  /** Per-request timeout for deliveries (ms, default 5000). */
  timeoutMs?: number;
}

export interface WebhookDelivery {
  webhookId: string;
  action: string;
  idempotencyKey: string;
  attempt: number;
  status: number | null;
}

function view(w: WebhookRecord, withSecret = false): Json {
  const { secret, ...rest } = w;
  return withSecret ? { ...rest, secret } : rest;
}

export function matchesEvents(enabled: string[], action: string): boolean {
  return enabled.length === 0 || enabled.some((e) => action === e || action.startsWith(`${e}_`));
}

async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number | null; text: string | null }> {
  try {
    const res = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers }, signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, text: (await res.text()).slice(0, 1000) };
  } catch (e) {
    return { status: null, text: (e as Error).message };
  }
}

export class WebhookHub {
  readonly byAdministration = new Map<string, WebhookRecord[]>();
  readonly deliveries: WebhookDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly opts: WebhookOptions,
    private readonly clock: Clock,
  ) {}

  list(adm: AdministrationState): WebhookRecord[] {
    let l = this.byAdministration.get(adm.id);
    if (!l) {
      l = [];
      this.byAdministration.set(adm.id, l);
    }
    return l;
  }

  attach(adm: AdministrationState): void {
    adm.onEvent = (e) => {
      const targets = this.list(adm).filter((w) => w.deactivated_at === null && matchesEvents(w.enabled_events, e.action));
      if (targets.length === 0) return;
      // Serialise after the handler has finished mutating the entity.
      setImmediate(() => {
        if (this.closed) return;
        const entity = e.serialize();
        for (const w of targets) {
          const payload = {
            administration_id: adm.id,
            webhook_id: w.id,
            webhook_token: w.token,
            entity_type: e.entityType,
            entity_id: e.entityId,
            state: typeof entity.state === 'string' ? entity.state : null,
            action: e.action,
            entity,
          };
          this.deliver(w, e.action, JSON.stringify(payload), randomUUID(), 0);
        }
      });
    };
  }

  private deliver(w: WebhookRecord, action: string, body: string, idempotencyKey: string, attempt: number): void {
    if (this.closed) return;
    const t = Math.floor(this.clock.now() / 1000);
    const signature = createHmac('sha256', w.secret).update(`${t}.${body}`).digest('hex');
    const p = post(w.url, body, { 'Idempotency-Key': idempotencyKey, 'Moneybird-Signature': `t=${t},v1=${signature}`, 'User-Agent': 'Moneybird-Webhooks (simulator)' }, this.opts.timeoutMs ?? 5000).then(
      ({ status, text }) => {
        w.last_http_status = status;
        w.last_http_body = text;
        this.deliveries.push({ webhookId: w.id, action, idempotencyKey, attempt, status });
        const delays = this.opts.retryDelaysMs ?? Array.from({ length: 10 }, (_, i) => 1000 * 2 ** i);
        if (status !== 200 && attempt < Math.min(10, delays.length) && !this.closed) {
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            this.deliver(w, action, body, idempotencyKey, attempt + 1);
          }, delays[attempt]);
          timer.unref();
          this.timers.add(timer);
        }
      },
    );
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** Waits until no delivery is in flight (timers for later retries may remain). */
  async settle(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  routes(strict: Strictness): Route[] {
    const S = SCOPES.settings;
    const find = (ctx: RouteContext) => {
      const id = parseId(ctx.params.id);
      const w = this.list(ctx.adm).find((x) => x.id === id);
      if (!w) throw notFoundForModel('Webhook');
      return w;
    };
    return [
      { method: 'GET', path: 'webhooks', scopes: S, handler: (ctx) => ok(this.list(ctx.adm).map((w) => view(w))) },
      {
        method: 'POST',
        path: 'webhooks',
        scopes: S,
        handler: async (ctx) => {
          if ('events' in ctx.body) throw badRequest("'events' has been removed from webhooks, use 'enabled_events'", { events: 'removed' });
          checkPermitted(ctx.body, ['url', 'enabled_events'], strict);
          const url = asText(ctx.body.url);
          if (!url) throw badRequest('Url is required', { url: 'required' });
          let parsed: URL;
          try {
            parsed = new URL(url);
          } catch {
            throw badRequest('Url is invalid', { url: 'invalid' });
          }
          if (!['http:', 'https:'].includes(parsed.protocol)) throw badRequest('Url is invalid', { url: 'invalid' });
          const events = ctx.body.enabled_events ?? [];
          if (!Array.isArray(events) || !events.every((e) => typeof e === 'string' && /^[a-z_]+$/.test(e))) throw badRequest('Enabled events is invalid', { enabled_events: 'invalid' });
          if (this.opts.verifyOnCreate ?? true) {
            const check = await post(url, JSON.stringify({ administration_id: ctx.adm.id, action: 'test_webhook' }), {}, this.opts.timeoutMs ?? 5000);
            if (check.status !== 200) throw symbolic(400, 'Url did not respond with HTTP status 200', { url: 'invalid_response' });
          }
          const w: WebhookRecord = {
            id: ctx.adm.ids.id(),
            administration_id: ctx.adm.id,
            url,
            enabled_events: events as string[],
            last_http_status: null,
            last_http_body: null,
            token: randomBytes(18).toString('base64url').slice(0, 24),
            secret: randomBytes(32).toString('hex'),
            deactivated_at: null,
          };
          this.list(ctx.adm).push(w);
          return ok(view(w, true), 201);
        },
      },
      {
        method: 'DELETE',
        path: 'webhooks/:id',
        scopes: S,
        handler: (ctx) => {
          const id = parseId(ctx.params.id);
          const l = this.list(ctx.adm);
          const i = l.findIndex((x) => x.id === id);
          if (i < 0) throw symbolic(404, 'record not found', { id: 'not_found' });
          l.splice(i, 1);
          return noContent();
        },
      },
      {
        method: 'PATCH',
        path: 'webhooks/:id/activate',
        scopes: S,
        handler: (ctx) => {
          const w = find(ctx);
          w.deactivated_at = null;
          return ok(view(w));
        },
      },
      {
        method: 'PATCH',
        path: 'webhooks/:id/deactivate',
        scopes: S,
        handler: (ctx) => {
          const w = find(ctx);
          w.deactivated_at = w.deactivated_at ?? ctx.adm.nowIso();
          return ok(view(w));
        },
      },
    ];
  }
}
