/**
 * Versioned schema of the PostgreSQL store and the fleet. Migrations run on start, in order,
 * under an advisory transaction lock (several workers starting at once apply each version once).
 * A version, once released, is never edited: a change is a new version.
 */
export interface Migration {
  version: number;
  name: string;
  sql: (schema: string) => string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'store: ledger, cursors, mappings, tokens, runs, sessions',
    sql: (s) => `
      CREATE TABLE ${s}.ledger (
        scope text NOT NULL,
        key text NOT NULL,
        shop_id text NOT NULL,
        status text NOT NULL,
        next_retry_at text,
        entry jsonb NOT NULL,
        PRIMARY KEY (scope, key)
      );
      CREATE INDEX ledger_by_status ON ${s}.ledger (scope, status, shop_id);
      CREATE TABLE ${s}.cursors (scope text NOT NULL, name text NOT NULL, value text NOT NULL, PRIMARY KEY (scope, name));
      CREATE TABLE ${s}.mappings (scope text NOT NULL, namespace text NOT NULL, key text NOT NULL, value text NOT NULL, PRIMARY KEY (scope, namespace, key));
      CREATE TABLE ${s}.tokens (name text PRIMARY KEY, value jsonb NOT NULL, version integer NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE ${s}.runs (seq bigserial PRIMARY KEY, scope text NOT NULL, id text NOT NULL UNIQUE, run jsonb NOT NULL);
      CREATE INDEX runs_by_scope ON ${s}.runs (scope, seq DESC);
      CREATE SEQUENCE ${s}.session_ids;
    `,
  },
  {
    version: 2,
    name: 'fleet: connections, rate log',
    sql: (s) => `
      CREATE TABLE ${s}.connections (
        id text PRIMARY KEY,
        platform text NOT NULL,
        target text NOT NULL,
        budget_key text NOT NULL,
        interval_seconds integer NOT NULL,
        config_enc text NOT NULL,
        webhook_secret_enc text,
        paused boolean NOT NULL DEFAULT false,
        pause_reason text,
        failure_streak integer NOT NULL DEFAULT 0,
        last_run jsonb,
        last_run_at timestamptz,
        last_error text,
        booked_total integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX connections_by_budget ON ${s}.connections (budget_key);
      CREATE TABLE ${s}.rate_budgets (key text PRIMARY KEY, limit_per_window integer NOT NULL, window_ms integer NOT NULL, used_total bigint NOT NULL DEFAULT 0, waited_ms bigint NOT NULL DEFAULT 0, observed_429 integer NOT NULL DEFAULT 0);
      CREATE TABLE ${s}.rate_log (key text NOT NULL, at_ms bigint NOT NULL);
      CREATE INDEX rate_log_by_key ON ${s}.rate_log (key, at_ms);
      CREATE TABLE ${s}.booked_log (connection_id text NOT NULL, at timestamptz NOT NULL DEFAULT now(), latency_ms bigint);
      CREATE INDEX booked_log_by_conn ON ${s}.booked_log (connection_id, at);
    `,
  },
];
