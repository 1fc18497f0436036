/**
 * Master data, loaded once per run and cached: the administration, tax rates, ledger accounts,
 * workflows, document styles and financial accounts; and the `TaxRateMap` validation.
 */
import { z } from 'zod';
import type { GlRole } from '../../plan/types';
import type { VatMapProblem } from '../port';
import { dec } from '../../model/money';
import { ShopbooksError } from '../../model/errors';
import { parseMoneybirdConfig, type MoneybirdTargetConfig } from './config';
import { MoneybirdTransport } from './transport';
import type { ResolvedTaxRate } from './invoice-lines';
import { Administration, DocumentStyle, FinancialAccount, LedgerAccount, TaxRate, Workflow } from './schemas';

export interface MasterData {
  administration: Administration;
  taxRates: TaxRate[];
  ledgerAccounts: LedgerAccount[];
  workflows: Workflow[];
  documentStyles: DocumentStyle[];
  financialAccounts: FinancialAccount[];
}

export async function listAdministrations(transport: MoneybirdTransport): Promise<Administration[]> {
  return transport.get('/administrations.json', {
    global: true,
    schema: z.array(Administration),
    what: 'list your Moneybird administrations',
  });
}

export async function loadMasterData(
  transport: MoneybirdTransport,
  config: MoneybirdTargetConfig,
): Promise<MasterData> {
  const admins = await listAdministrations(transport);
  const administration = admins.find((a) => a.id === config.administrationId);
  if (!administration) {
    throw new ShopbooksError(
      'ConfigInvalid',
      `The Moneybird administration ${config.administrationId} is not available with this connection (available: ${admins.map((a) => `${a.name} (${a.id})`).join(', ') || 'none'}).`,
      { retryable: false },
    );
  }
  const taxRates = await transport.getAllPages('/tax_rates.json', {
    schema: z.array(TaxRate),
    what: 'read the tax rates',
  });
  const ledgerAccounts = await transport.get('/ledger_accounts.json', {
    schema: z.array(LedgerAccount),
    what: 'read the ledger accounts',
  });
  const workflows = await transport.get('/workflows.json', {
    schema: z.array(Workflow),
    what: 'read the workflows',
  });
  const documentStyles = await transport.get('/document_styles.json', {
    schema: z.array(DocumentStyle),
    what: 'read the document styles',
  });
  const financialAccounts = config.financialAccountId
    ? await transport.get('/financial_accounts.json', {
        schema: z.array(FinancialAccount),
        what: 'read the financial accounts',
      })
    : [];
  return { administration, taxRates, ledgerAccounts, workflows, documentStyles, financialAccounts };
}

/** `domestic:21` -> { treatment: 'domestic', percent: '21', country: null }; `oss:DE:19` -> country 'DE'. */
export function parseVatKey(
  key: string,
): { treatment: string; percent: string; country: string | null } | null {
  const parts = key.split(':');
  if (parts.length === 2 && /^-?\d+(\.\d+)?$/.test(parts[1]))
    return { treatment: parts[0], percent: parts[1], country: null };
  if (parts.length === 3 && /^-?\d+(\.\d+)?$/.test(parts[2]))
    return { treatment: parts[0], percent: parts[2], country: parts[1] };
  return null;
}

/** Why a Moneybird tax rate cannot stand for a VAT key; null when it can. */
export function taxRateProblem(key: string, rate: TaxRate | undefined, id: string): string | null {
  const k = parseVatKey(key);
  if (!k) return `"${key}" is not a VAT key (expected e.g. domestic:21 or oss:DE:19).`;
  if (!rate) return `Moneybird tax rate ${id} (mapped for ${key}) does not exist in this administration.`;
  const label = `Moneybird tax rate "${rate.name ?? rate.id}" (${rate.id})`;
  if (!rate.active) return `${label}, mapped for ${key}, is not active.`;
  if (rate.tax_rate_type !== 'sales_invoice')
    return `${label}, mapped for ${key}, is a ${rate.tax_rate_type.replace(/_/g, ' ')} rate; sales need a sales invoice rate.`;
  if (!dec(rate.percentage).equals(dec(k.percent)))
    return `${label} is ${dec(rate.percentage).toFixed()} %, but ${key} needs ${k.percent} %.`;
  if (k.country && rate.country && rate.country.toUpperCase() !== k.country.toUpperCase()) {
    return `${label} is for ${rate.country}, but ${key} is for ${k.country}.`;
  }
  return null;
}

export class MoneybirdMasterData {
  private readonly ratesById: Map<string, TaxRate>;
  private readonly resolved = new Map<string, ResolvedTaxRate>();
  readonly zeroRate: ResolvedTaxRate | null;

  constructor(
    readonly data: MasterData,
    private readonly config: MoneybirdTargetConfig,
  ) {
    this.ratesById = new Map(data.taxRates.map((r) => [r.id, r]));
    this.zeroRate = this.findZeroRate();
  }

  /** Every configuration problem, in words (empty when the settings fit this administration). */
  problems(): VatMapProblem[] {
    const out: VatMapProblem[] = [];
    for (const [key, id] of Object.entries(this.config.taxRateMap)) {
      const p = taxRateProblem(key, this.ratesById.get(id), id);
      if (p) out.push({ key, message: p });
    }
    if (this.config.defaultTaxRateId) {
      const r = this.ratesById.get(this.config.defaultTaxRateId);
      if (!r || !r.active || r.tax_rate_type !== 'sales_invoice') {
        out.push({
          key: 'defaultTaxRateId',
          message: `The default tax rate ${this.config.defaultTaxRateId} is not an active sales invoice rate in this administration.`,
        });
      }
    }
    const accounts = new Map(this.data.ledgerAccounts.map((a) => [a.id, a]));
    for (const [role, id] of Object.entries(this.config.ledgerAccounts)) {
      if (!id) continue;
      const a = accounts.get(id);
      if (!a)
        out.push({
          key: `ledger:${role}`,
          message: `Ledger account ${id} (for ${role}) does not exist in this administration.`,
        });
      else if (a.active === false)
        out.push({
          key: `ledger:${role}`,
          message: `Ledger account "${a.name}" (for ${role}) is not active.`,
        });
      else if (a.allowed_document_types && !a.allowed_document_types.includes('sales_invoice')) {
        out.push({
          key: `ledger:${role}`,
          message: `Ledger account "${a.name}" (for ${role}) cannot be used on sales invoices.`,
        });
      }
    }
    if (this.config.workflowId) {
      const w = this.data.workflows.find((x) => x.id === this.config.workflowId);
      if (!w)
        out.push({
          key: 'workflowId',
          message: `Workflow ${this.config.workflowId} does not exist in this administration.`,
        });
      else if (w.type !== 'InvoiceWorkflow')
        out.push({
          key: 'workflowId',
          message: `Workflow "${w.name ?? w.id}" is an ${w.type}, not an invoice workflow.`,
        });
      else if (w.active === false)
        out.push({ key: 'workflowId', message: `Workflow "${w.name ?? w.id}" is not active.` });
    }
    if (
      this.config.documentStyleId &&
      !this.data.documentStyles.some((d) => d.id === this.config.documentStyleId)
    ) {
      out.push({
        key: 'documentStyleId',
        message: `Document style (profiel) ${this.config.documentStyleId} does not exist in this administration.`,
      });
    }
    if (this.config.financialAccountId) {
      const f = this.data.financialAccounts.find((x) => x.id === this.config.financialAccountId);
      if (!f)
        out.push({
          key: 'financialAccountId',
          message: `Financial account ${this.config.financialAccountId} does not exist (or is not active) in this administration.`,
        });
    }
    if (!this.zeroRate) {
      out.push({
        key: 'zeroRate',
        message:
          'No active 0 % sales tax rate found: Shopbooks needs one for cent rounding corrections (map exempt:0).',
      });
    }
    return out;
  }

  /**
   * The Moneybird tax rate for a VAT key: the mapped one; else `defaultTaxRateId` when its
   * percentage equals the key's; else, for `domestic:*`, the only active sales rate of that
   * percentage without a country. Anything else is `VatCodeNotMapped`.
   */
  taxRate(key: string): ResolvedTaxRate {
    const hit = this.resolved.get(key);
    if (hit) return hit;
    const mapped = this.config.taxRateMap[key];
    let rate: TaxRate | undefined;
    if (mapped) {
      const problem = taxRateProblem(key, this.ratesById.get(mapped), mapped);
      if (problem)
        throw new ShopbooksError('VatCodeNotMapped', problem, { retryable: false, details: { key } });
      rate = this.ratesById.get(mapped);
    } else {
      const k = parseVatKey(key);
      const def = this.config.defaultTaxRateId ? this.ratesById.get(this.config.defaultTaxRateId) : undefined;
      if (k && def && !taxRateProblem(key, def, def.id)) rate = def;
      else if (k && k.treatment === 'domestic') {
        const candidates = this.data.taxRates.filter(
          (r) =>
            r.active &&
            r.tax_rate_type === 'sales_invoice' &&
            !r.country &&
            dec(r.percentage).equals(dec(k.percent)),
        );
        if (candidates.length === 1) rate = candidates[0];
      }
    }
    if (!rate) {
      throw new ShopbooksError(
        'VatCodeNotMapped',
        `The VAT rate ${key} has no Moneybird tax rate. Choose one for it in the Moneybird settings (tax rate map).`,
        {
          retryable: false,
          details: { key },
        },
      );
    }
    const r = { id: rate.id, percentage: rate.percentage };
    this.resolved.set(key, r);
    return r;
  }

  ledgerAccount(role: GlRole): string {
    return this.config.ledgerAccounts[role] ?? this.config.ledgerAccounts.revenue;
  }

  /** A 0 % sales rate for rounding corrections: the one mapped for exempt:0, else domestic:0, else any. */
  private findZeroRate(): ResolvedTaxRate | null {
    for (const key of ['exempt:0', 'domestic:0']) {
      const id = this.config.taxRateMap[key];
      const r = id ? this.ratesById.get(id) : undefined;
      if (r && !taxRateProblem(key, r, r.id)) return { id: r.id, percentage: r.percentage };
    }
    const any = this.data.taxRates.find(
      (r) => r.active && r.tax_rate_type === 'sales_invoice' && !r.country && dec(r.percentage).isZero(),
    );
    return any ? { id: any.id, percentage: any.percentage } : null;
  }

  requireZeroRate(): ResolvedTaxRate {
    if (!this.zeroRate) {
      throw new ShopbooksError(
        'VatCodeNotMapped',
        'No active 0 % sales tax rate in Moneybird for cent rounding corrections; map exempt:0.',
        { retryable: false },
      );
    }
    return this.zeroRate;
  }

  /** Currencies this administration can invoice in: its own, its active invoice workflows', and `extraCurrencies`. */
  currencies(): Set<string> {
    const s = new Set<string>([this.data.administration.currency]);
    for (const w of this.data.workflows)
      if (w.type === 'InvoiceWorkflow' && w.active !== false && w.currency) s.add(w.currency);
    for (const c of this.config.extraCurrencies) s.add(c);
    return s;
  }
}

/**
 * The administration picker right after the OAuth code exchange, before an administration (and so
 * the token's store name) is chosen: lists what the fresh access token can reach.
 */
export async function listAdministrationsWithAccessToken(opts: {
  baseUrl?: string;
  accessToken: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): Promise<Administration[]> {
  const config = parseMoneybirdConfig({
    baseUrl: opts.baseUrl ?? 'https://moneybird.com',
    auth: { kind: 'token', token: opts.accessToken },
    administrationId: '0',
    ledgerAccounts: { revenue: '0' },
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
  });
  return listAdministrations(new MoneybirdTransport(config, { fetch: opts.fetch }));
}
