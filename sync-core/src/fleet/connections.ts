/**
 * The fleet's connections: one row per shop → administration, the configuration (the schema of
 * docs/config.md) encrypted at rest (secrets.ts). The columns in clear are what the scheduler and
 * the status page need: platform, target, the rate-budget key, the interval, pause state.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Pool } from 'pg';
import { parseConfig, resolveEnvRefs, type ShopbooksConfig } from '../config';
import { ShopbooksError } from '../model/errors';
import { decryptSecret, encryptSecret } from './secrets';

export interface ConnectionRow {
  id: string;
  platform: string;
  target: string;
  budgetKey: string;
  intervalSeconds: number;
  paused: boolean;
  pauseReason: string | null;
  failureStreak: number;
  lastRun: Record<string, unknown> | null;
  lastRunAt: string | null;
  lastError: string | null;
  bookedTotal: number;
}

export interface Connection extends ConnectionRow {
  config: ShopbooksConfig;
  webhookSecret: string | null;
}

/**
 * Connections that write into one Exact division / Moneybird administration share this key: one
 * rate budget (rate-budget.ts) and, with the same app, one token chain.
 */
export function budgetKey(config: ShopbooksConfig): string {
  if (config.target === 'exact') {
    const e = config.exact as { baseUrl?: string; country?: string; clientId?: string; division?: number };
    return `exact|${e.baseUrl ?? e.country ?? 'nl'}|${e.clientId}|${e.division}`;
  }
  const m = config.moneybird as { baseUrl?: string; administrationId?: string | number };
  return `moneybird|${m.baseUrl ?? 'moneybird.com'}|${m.administrationId}`;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

function rowOf(r: Record<string, unknown>): ConnectionRow {
  return {
    id: r.id as string,
    platform: r.platform as string,
    target: r.target as string,
    budgetKey: r.budget_key as string,
    intervalSeconds: Number(r.interval_seconds),
    paused: r.paused as boolean,
    pauseReason: (r.pause_reason as string | null) ?? null,
    failureStreak: Number(r.failure_streak),
    lastRun: (r.last_run as Record<string, unknown> | null) ?? null,
    lastRunAt: r.last_run_at ? new Date(r.last_run_at as string).toISOString() : null,
    lastError: (r.last_error as string | null) ?? null,
    bookedTotal: Number(r.booked_total),
  };
}

export class Connections {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly key: Buffer,
  ) {}

  private get t(): string {
    return `${this.schema}.connections`;
  }

  /** Add or replace a connection. `$env:NAME` references are resolved now, so the secret itself is stored (encrypted). */
  async add(id: string, rawConfig: unknown, opts: { intervalSeconds?: number; webhookSecret?: string } = {}): Promise<ConnectionRow> {
    if (!ID.test(id)) throw new ShopbooksError('ConfigInvalid', `The connection name "${id}" may only contain letters, digits, ".", "_" and "-".`);
    const resolved = resolveEnvRefs(rawConfig) as Record<string, unknown>;
    const config = parseConfig(resolved);
    const interval = opts.intervalSeconds ?? 300;
    const r = await this.pool.query(
      `INSERT INTO ${this.t} (id, platform, target, budget_key, interval_seconds, config_enc, webhook_secret_enc) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO UPDATE SET platform = EXCLUDED.platform, target = EXCLUDED.target, budget_key = EXCLUDED.budget_key, interval_seconds = EXCLUDED.interval_seconds,
         config_enc = EXCLUDED.config_enc, webhook_secret_enc = EXCLUDED.webhook_secret_enc, updated_at = now()
       RETURNING *`,
      [id, config.source.platform, config.target, budgetKey(config), interval, encryptSecret(JSON.stringify(resolved), this.key), opts.webhookSecret ? encryptSecret(opts.webhookSecret, this.key) : null],
    );
    return rowOf(r.rows[0]);
  }

  /** Every `*.json` in a folder, named after the file; a sibling `<name>.webhook-secret` file is its webhook secret. */
  async importFolder(dir: string, opts: { intervalSeconds?: number } = {}): Promise<ConnectionRow[]> {
    const out: ConnectionRow[] = [];
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
      const id = basename(f, '.json');
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      } catch (e) {
        throw new ShopbooksError('ConfigInvalid', `${f} is not valid JSON (${(e as Error).message}).`);
      }
      let webhookSecret: string | undefined;
      try {
        webhookSecret = readFileSync(join(dir, `${id}.webhook-secret`), 'utf8').trim() || undefined;
      } catch {
        webhookSecret = undefined;
      }
      out.push(await this.add(id, raw, { ...opts, webhookSecret }));
    }
    return out;
  }

  async list(): Promise<ConnectionRow[]> {
    return (await this.pool.query(`SELECT * FROM ${this.t} ORDER BY id`)).rows.map(rowOf);
  }

  async get(id: string): Promise<Connection | null> {
    const r = (await this.pool.query(`SELECT * FROM ${this.t} WHERE id = $1`, [id])).rows[0];
    if (!r) return null;
    const config = parseConfig(JSON.parse(decryptSecret(r.config_enc, this.key)));
    return { ...rowOf(r), config, webhookSecret: r.webhook_secret_enc ? decryptSecret(r.webhook_secret_enc, this.key) : null };
  }

  async remove(id: string): Promise<boolean> {
    return ((await this.pool.query(`DELETE FROM ${this.t} WHERE id = $1`, [id])).rowCount ?? 0) > 0;
  }

  async pause(id: string, reason: string): Promise<boolean> {
    return ((await this.pool.query(`UPDATE ${this.t} SET paused = true, pause_reason = $2, updated_at = now() WHERE id = $1`, [id, reason])).rowCount ?? 0) > 0;
  }

  /** Pause a connection that is running; true only for the call that paused it (one notice per pause). */
  async pauseIfActive(id: string, reason: string): Promise<boolean> {
    return ((await this.pool.query(`UPDATE ${this.t} SET paused = true, pause_reason = $2, updated_at = now() WHERE id = $1 AND NOT paused`, [id, reason])).rowCount ?? 0) > 0;
  }

  async resume(id: string): Promise<boolean> {
    return ((await this.pool.query(`UPDATE ${this.t} SET paused = false, pause_reason = NULL, failure_streak = 0, last_error = NULL, updated_at = now() WHERE id = $1`, [id])).rowCount ?? 0) > 0;
  }

  /** Connections whose interval has passed since their last run (and that are not paused). */
  async due(): Promise<string[]> {
    const r = await this.pool.query(`SELECT id FROM ${this.t} WHERE NOT paused AND (last_run_at IS NULL OR last_run_at + interval_seconds * interval '1 second' <= now()) ORDER BY last_run_at NULLS FIRST`);
    return r.rows.map((x) => x.id as string);
  }

  async recordRun(id: string, summary: Record<string, unknown>, booked: number, outcome: { ok: boolean; error?: string; streak: 'reset' | 'keep' | number }): Promise<ConnectionRow | null> {
    const streak = outcome.streak === 'reset' ? '0' : outcome.streak === 'keep' ? 'failure_streak' : `failure_streak + ${Math.max(0, Math.floor(outcome.streak))}`;
    const r = await this.pool.query(
      `UPDATE ${this.t} SET last_run = $2, last_run_at = now(), booked_total = booked_total + $3, last_error = $4, failure_streak = ${streak}, updated_at = now() WHERE id = $1 RETURNING *`,
      [id, summary, booked, outcome.error ?? null],
    );
    return r.rows[0] ? rowOf(r.rows[0]) : null;
  }
}
