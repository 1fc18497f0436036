/**
 * Master data of one administration, loaded once per run and cached: VAT codes (and the
 * VatCodeMap check), GL accounts per role, the sales journal, customers (Accounts, through the
 * store's account map, account-map.ts) and Items.
 */
import { ShopbooksError } from '../../model/errors';
import { dec } from '../../model/money';
import type { BookingPlan, GlRole } from '../../plan/types';
import type { Store } from '../../store/port';
import type { VatMapProblem } from '../port';
import type { ExactTargetConfig } from './config';
import { buildAccountBody, createAccount } from './createAccount';
import { buildItemBody, createItem } from './createItem';
import { isUncertainWrite } from './errors';
import { ACCOUNT_CODE_MAPPING, ACCOUNT_MAPPING, ExactAccountMap, LOOK_UP, REREAD_BEFORE_CREATE_MS } from './account-map';
import { findAccountByCode, findAccountsByEmail, pickAccount } from './findAccount';
import { findItemByCode, type ExactItem } from './findItem';
import { findJournal, type ExactJournal } from './findJournal';
import { findGlAccountsByCode, REVENUE_GL_TYPES, type ExactGlAccount } from './listGlAccounts';
import { listVatCodes, vatCodePercent, type ExactVatCode } from './listVatCodes';
import type { ExactTransport } from './transport';

export { ACCOUNT_MAPPING } from './account-map';
/** The generic item used when no `genericItemCode` is configured and items may be created. */
export const DEFAULT_GENERIC_ITEM_CODE = 'WEBSHOP';

/** The percent a VAT key stands for: the last segment (`domestic:21` → "21", `oss:DE:19` → "19"). */
export function vatKeyPercent(key: string): string | null {
  const last = key.split(':').pop() ?? '';
  return /^\d+(\.\d+)?$/.test(last) ? dec(last).toFixed() : null;
}

/** The code the settings give a VAT key (mapped, else the default), or a `VatCodeNotMapped` error. No API call. */
export function configuredVatCode(config: Pick<ExactTargetConfig, 'vatCodeMap' | 'defaultVatCode'>, key: string): { code: string; mapped: boolean } {
  const mapped = config.vatCodeMap[key];
  const code = mapped ?? config.defaultVatCode;
  if (!code) {
    throw new ShopbooksError('VatCodeNotMapped', `No Exact VAT code is set for ${key}: map it in the VAT settings (or set a default VAT code).`, { retryable: false, details: { key } });
  }
  return { code: code.trim(), mapped: mapped !== undefined };
}

/** The GL account code for a plan line's role (shipping, fees, ...), falling back to the revenue account. No API call. */
export function glAccountCode(config: Pick<ExactTargetConfig, 'glAccounts'>, role: GlRole): string {
  return (config.glAccounts[role] ?? config.glAccounts.revenue).trim();
}

/** Which debtor a plan is booked on: the collective debtor, or the customer found by e-mail. */
export type CustomerChoice = { kind: 'collective'; code: string } | { kind: 'per-customer'; email: string };

/**
 * The customer rule of the settings, without an API call: collective mode, and walk-in sales (POS)
 * without an e-mail when a collective debtor is set, go to the collective debtor; else the
 * customer's e-mail is the key, and an order without one is a `CustomerEmailMissing` error.
 */
export function customerChoice(config: Pick<ExactTargetConfig, 'customerMode' | 'collectiveAccountCode'>, plan: BookingPlan): CustomerChoice {
  if (config.customerMode === 'collective' || (plan.customer.email.trim() === '' && config.collectiveAccountCode)) {
    return { kind: 'collective', code: (config.collectiveAccountCode ?? '').trim() };
  }
  const email = plan.customer.email.trim().toLowerCase();
  if (!email) throw new ShopbooksError('CustomerEmailMissing', `Order ${plan.orderNumber} has no customer e-mail to find the customer in Exact; use the collective customer setting for guest orders.`, { retryable: false });
  return { kind: 'per-customer', email };
}

export class ExactMasterData {
  private vatCodes: Map<string, ExactVatCode> | null = null;
  private gl: Map<string, ExactGlAccount> | null = null;
  private journal: ExactJournal | null | undefined;
  private accounts = new Map<string, string>();
  private items = new Map<string, string>();
  private collectiveId: string | null = null;
  private readonly accountMap: ExactAccountMap;

  constructor(
    private readonly t: ExactTransport,
    private readonly config: ExactTargetConfig,
    log: (event: string, data?: Record<string, unknown>) => void = () => undefined,
  ) {
    this.accountMap = new ExactAccountMap(t, config.division, { collectiveCode: config.collectiveAccountCode, log });
  }

  /** Forget the run's cache (a new run re-reads master data). */
  reset(): void {
    this.vatCodes = null;
    this.gl = null;
    this.journal = undefined;
    this.accounts.clear();
    this.items.clear();
    this.collectiveId = null;
    this.accountMap.reset();
  }

  async loadVatCodes(): Promise<Map<string, ExactVatCode>> {
    if (!this.vatCodes) this.vatCodes = new Map((await listVatCodes(this.t)).map((v) => [v.Code.trim(), v]));
    return this.vatCodes;
  }

  async loadGlAccounts(): Promise<Map<string, ExactGlAccount>> {
    if (!this.gl) {
      const codes = Object.values(this.config.glAccounts).filter((c): c is string => !!c);
      this.gl = new Map((await findGlAccountsByCode(this.t, codes)).map((g) => [g.Code.trim(), g]));
    }
    return this.gl;
  }

  /** The journal as loaded (undefined before loadJournal). */
  get loadedJournal(): ExactJournal | null | undefined {
    return this.journal;
  }

  async loadJournal(): Promise<ExactJournal | null> {
    if (this.journal === undefined) this.journal = await findJournal(this.t, this.config.journalCode);
    return this.journal;
  }

  /** Problems with one VAT code for a key (missing, blocked, purchase-only, wrong percentage). */
  private vatCodeProblems(key: string, code: string, codes: Map<string, ExactVatCode>, checkPercent: boolean): string[] {
    const v = codes.get(code.trim());
    if (!v) return [`VAT code "${code}" does not exist in Exact administration ${this.config.division}.`];
    const out: string[] = [];
    if (v.IsBlocked) out.push(`VAT code "${code}" is blocked in Exact.`);
    if ((v.VATTransactionType ?? '').trim() === 'P') out.push(`VAT code "${code}" is for purchases only.`);
    const want = vatKeyPercent(key);
    if (checkPercent && want !== null) {
      const have = vatCodePercent(v);
      if (!dec(have).equals(dec(want))) out.push(`VAT code "${code}" is ${have} % but ${key} needs ${want} %.`);
    }
    return out;
  }

  /** The VatCodeMap, GL accounts and journal check of `prepare`. */
  async validateSetup(): Promise<VatMapProblem[]> {
    const problems: VatMapProblem[] = [];
    const codes = await this.loadVatCodes();
    for (const [key, code] of Object.entries(this.config.vatCodeMap)) {
      for (const message of this.vatCodeProblems(key, code, codes, true)) problems.push({ key, message });
    }
    if (this.config.defaultVatCode) {
      for (const message of this.vatCodeProblems('default', this.config.defaultVatCode, codes, false)) problems.push({ key: 'default', message });
    }
    const gl = await this.loadGlAccounts();
    for (const [role, code] of Object.entries(this.config.glAccounts)) {
      if (!code) continue;
      const g = gl.get(code.trim());
      if (!g) problems.push({ key: `gl:${role}`, message: `GL account "${code}" (${role}) does not exist in Exact.` });
      else if (g.IsBlocked) problems.push({ key: `gl:${role}`, message: `GL account "${code}" (${role}) is blocked in Exact.` });
      else if (g.Type !== null && g.Type !== undefined && !REVENUE_GL_TYPES.has(g.Type)) {
        problems.push({ key: `gl:${role}`, message: `GL account "${code}" (${role}) is not a revenue account (type ${g.Type}); Exact only accepts revenue accounts on sales lines.` });
      }
    }
    const j = await this.loadJournal();
    if (!j) problems.push({ key: `journal:${this.config.journalCode}`, message: `Sales journal "${this.config.journalCode}" does not exist in Exact.` });
    else {
      if (j.Type !== null && j.Type !== undefined && j.Type !== 20) problems.push({ key: `journal:${j.Code}`, message: `Journal "${j.Code}" is not a sales journal (type ${j.Type}).` });
      if (j.AllowVAT === false) problems.push({ key: `journal:${j.Code}`, message: `Journal "${j.Code}" does not allow VAT.` });
      if (j.IsBlocked) problems.push({ key: `journal:${j.Code}`, message: `Journal "${j.Code}" is blocked.` });
    }
    if (this.config.documentKind !== 'salesEntry' && !this.config.genericItemCode && this.config.itemMode === 'match-only') {
      problems.push({ key: 'genericItemCode', message: 'Invoices and orders need a generic item for shipping, fees and rounding: set genericItemCode, or let Shopbooks create items.' });
    }
    return problems;
  }

  /**
   * The Exact VAT code for a plan VAT key: the mapped code, else `defaultVatCode`, else a
   * `VatCodeNotMapped` error. With master data loaded, the code must exist, not be blocked and
   * (for mapped keys) have the key's percentage.
   */
  vatCodeFor(key: string): string {
    const { code, mapped } = configuredVatCode(this.config, key);
    if (this.vatCodes) {
      const problems = this.vatCodeProblems(key, code, this.vatCodes, mapped);
      if (problems.length) throw new ShopbooksError('VatCodeNotMapped', `${problems.join(' ')} Fix the VAT mapping for ${key} in settings.`, { retryable: false, details: { key, code } });
    }
    return code;
  }

  glCode(role: GlRole): string {
    return glAccountCode(this.config, role);
  }

  /** GL account id for a role (falls back to the revenue account); requires loadGlAccounts. */
  glAccountId(role: GlRole): string {
    const code = this.glCode(role);
    const g = this.gl?.get(code);
    if (!g) throw new ShopbooksError('GlAccountNotMapped', `GL account "${code}" for ${role} does not exist in Exact: check the GL accounts in settings.`, { retryable: false, details: { role, code } });
    return g.ID;
  }

  /**
   * The customer's account id: the collective debtor, or the account the store's map holds for the
   * e-mail (kept current from sync/CRM/Accounts, account-map.ts), or a new one. Only where the map
   * cannot answer (no sync endpoint, an account that was blocked) is the e-mail looked up.
   */
  async customerFor(plan: BookingPlan, store: Store, dryRun = false): Promise<string> {
    // Walk-in sales (POS) without an e-mail go to the collective debtor when one is set.
    const choice = customerChoice(this.config, plan);
    if (choice.kind === 'collective') return this.collectiveAccount(choice.code, store);
    const email = choice.email;
    const cached = this.accounts.get(email);
    if (cached) return cached;
    // remembered per administration: the same e-mail is another account in another division
    const mappingKey = this.accountMap.emailKey(email);
    const remember = async (id: string): Promise<string> => {
      await store.setMapping(ACCOUNT_MAPPING, mappingKey, id);
      this.accounts.set(email, id);
      return id;
    };
    let mapped = await store.getMapping(ACCOUNT_MAPPING, mappingKey);
    let mapCurrent = false;
    if (mapped === null) {
      mapCurrent = await this.accountMap.refresh(store);
      mapped = await store.getMapping(ACCOUNT_MAPPING, mappingKey);
    }
    if (mapped) {
      this.accounts.set(email, mapped);
      return mapped;
    }
    if (!mapCurrent || mapped === LOOK_UP) {
      const found = pickAccount(await findAccountsByEmail(this.t, email));
      if (found) return remember(found.ID);
    }
    if (dryRun) return '(new customer)';
    // Before a create: the changes again if the last read is older than a minute.
    if (mapCurrent && (await this.accountMap.refresh(store, REREAD_BEFORE_CREATE_MS))) {
      const meanwhile = await store.getMapping(ACCOUNT_MAPPING, mappingKey);
      if (meanwhile) return remember(meanwhile);
    }
    const body = buildAccountBody(plan.customer, email);
    let id: string;
    try {
      id = (await createAccount(this.t, body)).ID;
    } catch (e) {
      if (!isUncertainWrite(e)) throw e;
      // The create may have been saved: look again before anything else.
      const again = pickAccount(await findAccountsByEmail(this.t, email));
      if (!again) throw e;
      id = again.ID;
    }
    return remember(id);
  }

  /** The collective debtor by its code: from the store's map (current from sync/CRM/Accounts), else looked up. */
  private async collectiveAccount(code: string, store: Store): Promise<string> {
    if (this.collectiveId) return this.collectiveId;
    const key = this.accountMap.codeKey(code);
    let id = await store.getMapping(ACCOUNT_CODE_MAPPING, key);
    if (id === null && (await this.accountMap.refresh(store))) id = await store.getMapping(ACCOUNT_CODE_MAPPING, key);
    if (!id) {
      const a = await findAccountByCode(this.t, code);
      if (!a) throw new ShopbooksError('ConfigInvalid', `The collective customer account "${code}" does not exist in Exact.`, { retryable: false });
      id = a.ID;
      await store.setMapping(ACCOUNT_CODE_MAPPING, key, id);
    }
    this.collectiveId = id;
    return id;
  }

  /** Item for an invoice/order line: by SKU (match or create), else the generic item. */
  async itemFor(line: { role: GlRole; sku: string | null; description: string }): Promise<string> {
    const sku = line.role === 'revenue' && line.sku && line.sku.trim() ? line.sku.trim() : null;
    if (!sku) return this.genericItemId();
    const cached = this.items.get(sku);
    if (cached) return cached;
    let item: ExactItem | null = await findItemByCode(this.t, sku);
    if (!item) {
      if (this.config.itemMode === 'match-only') {
        throw new ShopbooksError('RemoteNotFound', `Exact has no item with code "${sku}" and creating items is switched off: create the item in Exact or allow Shopbooks to create items.`, { retryable: false, details: { sku } });
      }
      try {
        item = await createItem(this.t, buildItemBody(sku, line.description));
      } catch (e) {
        if (!isUncertainWrite(e)) throw e;
        item = await findItemByCode(this.t, sku);
        if (!item) throw e;
      }
    }
    this.items.set(sku, item.ID);
    return item.ID;
  }

  async genericItemId(): Promise<string> {
    // Without a configured code, and when Shopbooks may create items, it uses (and creates once)
    // an item "WEBSHOP" for shipping, fees, rounding and lines without SKU.
    const code = this.config.genericItemCode ?? (this.config.itemMode === 'match-or-create' ? DEFAULT_GENERIC_ITEM_CODE : undefined);
    if (!code) throw new ShopbooksError('ConfigInvalid', 'Invoices and orders need a generic item for shipping, fees, rounding and lines without SKU: set genericItemCode.', { retryable: false });
    const cached = this.items.get(`\u0000generic:${code}`);
    if (cached) return cached;
    let item = await findItemByCode(this.t, code);
    if (!item) {
      if (this.config.itemMode === 'match-only') throw new ShopbooksError('ConfigInvalid', `The generic item "${code}" does not exist in Exact.`, { retryable: false });
      try {
        item = await createItem(this.t, buildItemBody(code, 'Webshop: verzending, kosten en afronding'));
      } catch (e) {
        if (!isUncertainWrite(e)) throw e;
        item = await findItemByCode(this.t, code);
        if (!item) throw e;
      }
    }
    this.items.set(`\u0000generic:${code}`, item.ID);
    return item.ID;
  }
}
