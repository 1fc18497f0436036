/**
 * The Exact Online target: books a BookingPlan as exactly one SalesEntry (default), SalesInvoice
 * or SalesOrder, to the cent, and finds it again by reference after an uncertain outcome.
 *
 * Usage:
 *   const target = createExactTarget(ExactTargetConfig.parse(settings));
 *   const { problems } = await target.prepare(ctx);       // loads master data, checks the VatCodeMap
 *   const ref = await target.bookDocument(plan, { mayExist, original }, ctx);
 */
import { ShopbooksError, asShopbooksError } from '../../model/errors';
import { dec } from '../../model/money';
import type { BookingPlan } from '../../plan/types';
import type { Store } from '../../store/port';
import type { DocumentRef, Target, TargetContext, VatMapProblem } from '../port';
import { adoptionProblems, referenceTaken } from '../adopt';
import { ExactTargetConfig, resolveBaseUrl, type ExactDocumentKind, type ExactTargetConfigInput } from './config';
import { buildSalesEntryBody, createSalesEntry } from './createSalesEntry';
import { buildSalesInvoiceBody, createSalesInvoice } from './createSalesInvoice';
import { buildSalesOrderBody, createSalesOrder } from './createSalesOrder';
import { DOCUMENT_TYPE_NAME, type ExactDocument, type ResolvedRefs } from './documents';
import { isUncertainWrite } from './errors';
import { findDocumentsByReference, getDocument } from './findDocument';
import { exactLinesFor, toExactLines } from './lines';
import { listDivisions, type DivisionChoice } from './listDivisions';
import { ExactMasterData, configuredVatCode } from './master-data';
import { processSalesInvoice } from './processSalesInvoice';
import { bookExactPayment, type PaymentDeps } from './bookPayment';
import { attachExactPdf } from './attachPdf';
import type { FetchLike } from './oauth';
import { ExactTransport } from './transport';
import { readExactBooks } from './readBooks';
import { sameCode } from './odata';

export { ExactTargetConfig } from './config';
export type { ExactTargetConfigInput } from './config';
export { buildAuthorizeUrl, exchangeAuthorizationCode, saveExactTokens, ExactTransport } from './transport';
export { isUncertainWrite } from './errors';

export interface ExactTargetDeps {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: FetchLike;
  random?: () => number;
  /** Use this store for tokens before the first `prepare` (e.g. `listDivisions` in the plugin). */
  store?: Store;
  /** Share rate-limit pacing with other targets of the same app+division in this process (default true). */
  sharePacer?: boolean;
  rateLimitReserve?: number;
}

export interface ExactTarget extends Target {
  readonly config: ExactTargetConfig;
  /** Administrations the connection may use (for the plugin's picker). */
  listDivisions(store?: Store): Promise<DivisionChoice[]>;
  /** The document kind a plan is booked as (refunds in sales-order mode become credit invoices). */
  documentKindFor(plan: BookingPlan): ExactDocumentKind;
}

/**
 * Sales orders cannot carry negative totals (spec §5.9), so refunds and cancellations of a shop
 * booked as sales orders become credit invoices (Type 8021).
 */
export function documentKindFor(config: ExactTargetConfig, plan: BookingPlan): ExactDocumentKind {
  if (plan.kind !== 'order' && config.documentKind === 'salesOrder') return 'salesInvoice';
  return config.documentKind;
}

export function createExactTarget(configInput: ExactTargetConfig | ExactTargetConfigInput, deps: ExactTargetDeps = {}): ExactTarget {
  const parsed = ExactTargetConfig.safeParse(configInput);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new ShopbooksError('ConfigInvalid', `Exact Online settings are incomplete: ${i.path.join('.')} ${i.message}.`, { retryable: false });
  }
  const config = parsed.data;
  const baseUrl = resolveBaseUrl(config);
  let transport: ExactTransport | null = null;
  let master: ExactMasterData | null = null;
  let prepared = false;
  let log: TargetContext['log'] = () => undefined;

  function ensure(store: Store | undefined): { t: ExactTransport; m: ExactMasterData } {
    if (!transport) {
      const s = store ?? deps.store;
      if (!s) throw new ShopbooksError('Internal', 'The Exact target needs a store before its first call.', { retryable: false });
      transport = new ExactTransport({
        baseUrl,
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        division: config.division,
        seedRefreshToken: config.refreshToken,
        store: s,
        timeoutMs: config.timeoutMs,
        fetch: deps.fetch,
        now: deps.now,
        sleep: deps.sleep,
        random: deps.random,
        sharePacer: deps.sharePacer,
        rateLimitReserve: deps.rateLimitReserve,
        log: (e, d) => log(e, d),
      });
      master = new ExactMasterData(transport, config, (e, d) => log(e, d));
    }
    return { t: transport, m: master as ExactMasterData };
  }

  async function loadMasterData(m: ExactMasterData): Promise<void> {
    await m.loadVatCodes();
    await m.loadGlAccounts();
    await m.loadJournal();
  }

  function toRef(doc: ExactDocument, recovered: boolean): DocumentRef {
    return { id: doc.id, type: DOCUMENT_TYPE_NAME[doc.kind], number: doc.number, url: null, customerId: doc.customerId, recovered };
  }

  /** Checks that need no API call (or only loaded master data). */
  function check(plan: BookingPlan, m: ExactMasterData | null): void {
    const vatCodeFor = m ? (k: string) => m.vatCodeFor(k) : (k: string) => configuredVatCode(config, k).code;
    exactLinesFor(plan, vatCodeFor);
    const j = m?.loadedJournal;
    if (j && j.Currency && j.Currency.trim() && plan.currency !== j.Currency.trim() && j.AllowVariableCurrency === false) {
      throw new ShopbooksError('CurrencyNotInAdministration', `The sales journal ${j.Code} only books ${j.Currency}; ${plan.reference} is in ${plan.currency}. Allow other currencies on the journal in Exact.`, { retryable: false });
    }
  }

  /** For processed invoices: process it if that step is missing, and read back its final number. */
  async function completeInvoice(t: ExactTransport, doc: ExactDocument, plan: BookingPlan): Promise<ExactDocument> {
    if (doc.kind !== 'salesInvoice' || config.invoiceState !== 'processed' || (doc.status ?? 0) >= 50) return doc;
    try {
      await processSalesInvoice(t, doc.id, { sendEmail: config.sendInvoiceEmail });
    } catch (e) {
      if (!isUncertainWrite(e)) throw e;
      const again = await getDocument(t, 'salesInvoice', doc.id);
      if (!again || (again.status ?? 0) < 50) throw e;
      return again;
    }
    log('exact.invoice.processed', { reference: plan.reference, id: doc.id });
    return (await getDocument(t, 'salesInvoice', doc.id)) ?? doc;
  }

  /**
   * The document carrying the plan's reference that is this plan's (null when there is none).
   * Documents with the reference that do not match the plan (targets/adopt.ts: another shop in
   * the same division may use the same order numbers) are never adopted: with no match among
   * them the booking fails with ReferenceTakenByAnotherDocument.
   */
  async function findExisting(t: ExactTransport, plan: BookingPlan, m: ExactMasterData, ctx: TargetContext): Promise<ExactDocument | null> {
    const kind = documentKindFor(config, plan);
    const found = await findDocumentsByReference(t, kind, plan.reference, config.journalCode);
    if (!found.length) return null;
    if (found.length > 1) log('exact.document.duplicates', { reference: plan.reference, ids: found.map((d) => d.id) });
    const expected = await m.customerFor(plan, ctx.store, true);
    const customer = expected === '(new customer)' ? '(no account yet)' : expected;
    const asFound = (doc: ExactDocument) => ({ id: doc.id, gross: doc.amount, vat: doc.vatAmount, currency: doc.currency ?? null, date: doc.date ?? null, customerId: doc.customerId });
    const ours = found.find((d) => adoptionProblems(plan, asFound(d), customer).length === 0);
    if (ours) return ours;
    throw referenceTaken(plan, 'Exact Online', asFound(found[0]), adoptionProblems(plan, asFound(found[0]), customer));
  }

  function verifyTotals(doc: ExactDocument, plan: BookingPlan): void {
    if (doc.amount !== null && !dec(doc.amount).equals(dec(plan.totals.gross))) {
      log('exact.document.totals-mismatch', { reference: plan.reference, id: doc.id, exact: doc.amount, plan: plan.totals.gross });
    }
    if (doc.vatAmount !== null && !dec(doc.vatAmount).equals(dec(plan.totals.vat))) {
      log('exact.document.vat-mismatch', { reference: plan.reference, id: doc.id, exact: doc.vatAmount, plan: plan.totals.vat });
    }
  }

  const paymentCache: PaymentDeps['cache'] = { journals: new Map() };

  const target: ExactTarget = {
    name: 'exact',
    config,

    documentKindFor: (plan) => documentKindFor(config, plan),

    async listDivisions(store?: Store) {
      return listDivisions(ensure(store).t);
    },

    async prepare(ctx: TargetContext): Promise<{ problems: VatMapProblem[] }> {
      log = ctx.log;
      const { m } = ensure(ctx.store);
      m.reset();
      paymentCache.journals.clear();
      delete paymentCache.receivablesGl;
      const problems = await m.validateSetup();
      prepared = true;
      for (const p of problems) ctx.log('exact.setup.problem', { key: p.key, message: p.message });
      return { problems };
    },

    async validate(plan: BookingPlan) {
      try {
        check(plan, prepared ? master : null);
        return { ok: true as const };
      } catch (e) {
        return { ok: false as const, error: asShopbooksError(e) };
      }
    },

    async bookDocument(plan, opts, ctx): Promise<DocumentRef> {
      log = ctx.log;
      const { t, m } = ensure(ctx.store);
      if (!prepared) {
        await loadMasterData(m);
        prepared = true;
      }
      const kind = documentKindFor(config, plan);

      if (opts.mayExist) {
        const existing = await findExisting(t, plan, m, ctx);
        if (existing) {
          log('exact.document.recovered', { reference: plan.reference, id: existing.id, kind });
          const done = ctx.dryRun ? existing : await completeInvoice(t, existing, plan);
          return toRef(done, true);
        }
      }

      check(plan, m);
      const lines = toExactLines(plan, (k) => m.vatCodeFor(k));
      const customerId = await m.customerFor(plan, ctx.store, ctx.dryRun);
      const refs: ResolvedRefs = {
        journalCode: config.journalCode,
        customerId,
        glAccountId: (role) => m.glAccountId(role),
        itemId: (l) => m.itemFor(l),
        paymentConditionCode: config.paymentConditionCode,
      };

      let create: () => Promise<ExactDocument>;
      let body: unknown;
      if (kind === 'salesEntry') {
        const b = buildSalesEntryBody(plan, lines, refs);
        body = b;
        create = () => createSalesEntry(t, b);
      } else if (kind === 'salesInvoice') {
        if (ctx.dryRun) refs.itemId = async () => '(item)';
        const b = await buildSalesInvoiceBody(plan, lines, refs, opts.original);
        body = b;
        create = () => createSalesInvoice(t, b);
      } else {
        if (ctx.dryRun) refs.itemId = async () => '(item)';
        const b = await buildSalesOrderBody(plan, lines, refs);
        body = b;
        create = () => createSalesOrder(t, b);
      }
      if (ctx.dryRun) {
        log('exact.dry-run', { reference: plan.reference, kind, body });
        return { id: '', type: DOCUMENT_TYPE_NAME[kind], number: null, url: null, customerId, recovered: false };
      }

      let doc: ExactDocument;
      let recovered = false;
      try {
        doc = await create();
      } catch (e) {
        if (!isUncertainWrite(e)) throw e;
        // Exact may have saved it: look it up by reference before anyone tries again.
        const existing = await findExisting(t, plan, m, ctx);
        if (!existing) throw e;
        log('exact.document.recovered', { reference: plan.reference, id: existing.id, kind });
        doc = existing;
        recovered = true;
      }
      doc = await completeInvoice(t, doc, plan);
      verifyTotals(doc, plan);
      log('exact.document.booked', { reference: plan.reference, id: doc.id, kind, number: doc.number, recovered });
      return toRef(doc, recovered);
    },

    async findDocument(plan, ctx) {
      log = ctx.log;
      const { t, m } = ensure(ctx.store);
      if (!prepared) {
        await loadMasterData(m);
        prepared = true;
      }
      const doc = await findExisting(t, plan, m, ctx);
      return doc ? toRef(doc, true) : null;
    },

    ...(config.payments.register
      ? {
          async bookPayment(req, opts, ctx) {
            log = ctx.log;
            const { t } = ensure(ctx.store);
            return bookExactPayment({ t, config, cache: paymentCache }, req, opts, ctx);
          },
        }
      : {}),

    async attachPdf(req, opts, ctx) {
      log = ctx.log;
      const { t } = ensure(ctx.store);
      return attachExactPdf(t, config, req, opts, ctx);
    },

    async readBooks(window, ctx) {
      log = ctx.log;
      const { t } = ensure(ctx.store);
      const vatKeysOf = (code: string) => Object.entries(config.vatCodeMap).filter(([, c]) => sameCode(c, code)).map(([k]) => k);
      return readExactBooks(t, { window, journalCode: config.journalCode, vatKeysOf });
    },

    callStats() {
      const s = transport?.stats;
      return { read: s?.read ?? 0, write: s?.write ?? 0, token: s?.token ?? 0, retried: s?.retried ?? 0, waitedMs: s?.waitedMs ?? 0, tooManyRequests: s?.tooManyRequests ?? 0 };
    },
  };
  return target;
}
