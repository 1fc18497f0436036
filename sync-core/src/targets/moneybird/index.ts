/**
 * The Moneybird target: BookingPlan -> one Moneybird document, exactly once and to the cent.
 *
 *   const target = createMoneybirdTarget(config);           // config: MoneybirdTargetConfigInput
 *   const { problems } = await target.prepare(ctx);         // master data + TaxRateMap validation
 *   const ref = await target.bookDocument(plan, { mayExist, original }, ctx);
 *
 * Orders become a sales invoice (draft -> send with delivery Manual -> payment) or an external
 * sales invoice (created open -> PDF -> payment). Refunds and cancellations become a credit
 * invoice made with `duplicate_creditinvoice` (so Moneybird links it to the original), whose
 * lines are replaced by the refunded lines when the refund is partial, then settled against the
 * original (when it is still open) or paid out. External invoices are credited with a negative
 * external sales invoice (Moneybird has no credit route for them).
 *
 * Exactly once: with `mayExist` (and after any write whose outcome is unknown) the document is
 * looked up by reference first and only the missing steps are done. See `findExisting*`.
 */
import type { BookingPlan } from '../../plan/types';
import type { BooksWindow, DocumentRef, FollowUpRequest, FollowUpResult, Target, TargetContext, VatMapProblem } from '../port';
import { adoptionProblems, referenceTaken, type FoundDocument } from '../adopt';
import { ShopbooksError, asShopbooksError } from '../../model/errors';
import { dec, fixed, isZero } from '../../model/money';
import { parseMoneybirdConfig, type MoneybirdTargetConfig, type MoneybirdTargetConfigInput } from './config';
import { MoneybirdTransport, isUncertainWrite, type TransportDeps } from './transport';
import { readMoneybirdBooks } from './read-books';
import { MoneybirdMasterData, listAdministrations, loadMasterData } from './master-data';
import { ContactResolver, MAX_NAME_LENGTH } from './contacts';
import { buildDetails, compareWithMoneybird, type BuiltDetails, type PredictedTotals } from './invoice-lines';
import {
  Contact,
  type AnyInvoice,
  type Administration,
  type ExternalSalesInvoice,
  type SalesInvoice,
} from './schemas';
import {
  createSalesInvoice,
  createSalesInvoicePayment,
  deleteSalesInvoice,
  duplicateCreditInvoice,
  findSalesInvoiceByReference,
  getSalesInvoice,
  listSalesInvoicesByReference,
  sendSalesInvoice,
  settleCreditInvoice,
  updateSalesInvoice,
  type SalesInvoiceCreate,
} from './sales-invoices';
import {
  attachExternalSalesInvoicePdf,
  createExternalSalesInvoice,
  createExternalSalesInvoicePayment,
  deleteExternalSalesInvoice,
  findExternalSalesInvoicesByReference,
  getExternalSalesInvoice,
} from './external-sales-invoices';
import { attachMoneybirdPdf } from './attach-pdf';

export { parseMoneybirdConfig, moneybirdTokenName, MoneybirdTargetConfig } from './config';
export type { MoneybirdTargetConfigInput } from './config';
export {
  buildAuthorizeUrl,
  exchangeAuthorizationCode,
  MoneybirdTransport,
  MONEYBIRD_SCOPES,
} from './transport';
export { customerIdFor } from './contacts';
export { listAdministrationsWithAccessToken } from './master-data';

export const SALES_INVOICE_TYPE = 'SalesInvoice(moneybird)';
export const EXTERNAL_SALES_INVOICE_TYPE = 'ExternalSalesInvoice';
const EXTERNAL_MAPPING = 'moneybird-external-invoice';
const MAX_REFERENCE_LENGTH = 255; // not documented by Moneybird [unverified]

/**
 * Moneybird's answer when a contact id is no longer valid: documented as a 400 with
 * `symbolic.…contact_id = "contact_invalid"` (external invoices); a 422 field error on
 * `contact_id` is accepted too.
 */
function contactRejected(body: string): boolean {
  return /contact_invalid/.test(body) || /"contact_id"\s*:\s*\[/.test(body);
}

export interface MoneybirdTargetDeps extends TransportDeps {
  /** The shop's own invoice PDF, attached to external sales invoices when given. */
  documentPdf?: (plan: BookingPlan) => Promise<{ filename: string; data: Uint8Array } | null>;
}

export interface MoneybirdTarget extends Target {
  readonly config: MoneybirdTargetConfig;
  readonly transport: MoneybirdTransport;
  /** The administrations this connection can reach (the settings page's picker). */
  listAdministrations(ctx: TargetContext): Promise<Administration[]>;
}

export function createMoneybirdTarget(
  input: MoneybirdTargetConfigInput | MoneybirdTargetConfig,
  deps: MoneybirdTargetDeps = {},
): MoneybirdTarget {
  const config = parseMoneybirdConfig(input);
  const t = new MoneybirdTransport(config, deps);
  const contacts = new ContactResolver(t, config);
  /** Documents whose payment `pay` registered (or found registered) in this process. */
  const settledHere = new Set<string>();
  let master: MoneybirdMasterData | null = null;

  const docUrl = (kind: 'sales_invoices' | 'external_sales_invoices', id: string) =>
    `${config.baseUrl}/${config.administrationId}/${kind}/${id}`;

  async function prepare(ctx: TargetContext): Promise<{ problems: VatMapProblem[] }> {
    t.useStore(ctx.store);
    master = new MoneybirdMasterData(await loadMasterData(t, config), config);
    const problems = master.problems();
    if (config.customerMode === 'collective' && config.collectiveContactId) {
      try {
        await t.get(`/contacts/${config.collectiveContactId}.json`, {
          schema: Contact,
          what: 'read the collective contact',
        });
      } catch (e) {
        if (!(e instanceof ShopbooksError && e.code === 'RemoteNotFound')) throw e;
        problems.push({
          key: 'collectiveContactId',
          message: `The collective contact ${config.collectiveContactId} does not exist in this administration.`,
        });
      }
    }
    ctx.log('moneybird.prepared', {
      administration: master.data.administration.name,
      taxRates: master.data.taxRates.length,
      problems: problems.length,
    });
    return { problems };
  }

  async function ensurePrepared(ctx: TargetContext): Promise<MoneybirdMasterData> {
    t.useStore(ctx.store);
    if (!master) await prepare(ctx);
    return master as MoneybirdMasterData;
  }

  function build(plan: BookingPlan, m: MoneybirdMasterData): BuiltDetails {
    return buildDetails(plan, {
      taxRate: (k) => m.taxRate(k),
      ledgerAccount: (role) => m.ledgerAccount(role),
      zeroRate: m.requireZeroRate(),
      rounding: config.vatRounding,
    });
  }

  async function validate(plan: BookingPlan): Promise<{ ok: true } | { ok: false; error: ShopbooksError }> {
    try {
      if (!master)
        throw new ShopbooksError('Internal', 'The Moneybird target was not prepared (call prepare first).', {
          retryable: true,
        });
      if (!plan.lines.length)
        throw new ShopbooksError('MalformedOrder', `Order ${plan.orderNumber} has no lines to book.`, {
          retryable: false,
        });
      if (!master.currencies().has(plan.currency)) {
        throw new ShopbooksError(
          'CurrencyNotInAdministration',
          `Order ${plan.orderNumber} is in ${plan.currency}, but the Moneybird administration "${master.data.administration.name}" books in ${[...master.currencies()].join(', ')}. Add a workflow for ${plan.currency} in Moneybird or leave this order out.`,
          { retryable: false, details: { currency: plan.currency } },
        );
      }
      if (!plan.reference || plan.reference.length > MAX_REFERENCE_LENGTH) {
        throw new ShopbooksError(
          'MalformedOrder',
          `Order ${plan.orderNumber} has no usable reference (empty or longer than ${MAX_REFERENCE_LENGTH} characters).`,
          { retryable: false },
        );
      }
      if (config.customerMode === 'per-customer') {
        const c = plan.customer;
        for (const [label, value] of [
          ['company name', c.company],
          ['first name', c.firstName],
          ['last name', c.lastName],
        ] as const) {
          if (value.trim().length > MAX_NAME_LENGTH) {
            throw new ShopbooksError(
              'NameTooLong',
              `The customer's ${label} on order ${plan.orderNumber} is ${value.trim().length} characters; Moneybird accepts at most ${MAX_NAME_LENGTH}.`,
              {
                retryable: false,
                details: { field: label },
              },
            );
          }
        }
      }
      build(plan, master); // VAT mapping, consistency and the cent check
      return { ok: true };
    } catch (e) {
      return { ok: false, error: asShopbooksError(e) };
    }
  }

  // ------------------------------------------------------------ lookups

  function asFound(doc: AnyInvoice): FoundDocument {
    return {
      id: doc.id,
      gross: doc.total_price_incl_tax,
      vat: fixed(doc.tax_totals.reduce((a, x) => a.plus(dec(x.tax_amount)), dec(0))),
      currency: doc.currency ?? null,
      date: 'invoice_date' in doc ? (doc as SalesInvoice).invoice_date : (doc as ExternalSalesInvoice).date,
      customerId: doc.contact_id,
    };
  }

  /**
   * Of the documents carrying the plan's reference, the one that is this plan's (targets/adopt.ts);
   * null when there are none. Another shop booking into the same administration without a
   * reference prefix may own them: with none matching, ReferenceTakenByAnotherDocument.
   */
  function pickOurs<T extends AnyInvoice>(plan: BookingPlan, rows: T[], contactId: string | null, ctx: TargetContext): T | null {
    if (!rows.length) return null;
    const ours = rows.filter((r) => adoptionProblems(plan, asFound(r), contactId).length === 0);
    if (ours.length > 1) ctx.log('moneybird.duplicateReference', { reference: plan.reference, ids: ours.map((r) => r.id) });
    const pick = ours.find((r) => r.state !== 'draft') ?? ours[0];
    if (pick) return pick;
    throw referenceTaken(plan, 'Moneybird', asFound(rows[0]), adoptionProblems(plan, asFound(rows[0]), contactId));
  }

  /**
   * Sales invoices carrying this reference (drafts included). For an order (`credit: false`)
   * credit invoices are skipped: a credit draft fresh from duplicate_creditinvoice carries its
   * original's reference until we rename it.
   */
  async function salesWithReference(reference: string, credit = false): Promise<SalesInvoice[]> {
    const fits = (r: SalesInvoice) =>
      r.reference === reference && (credit || r.original_sales_invoice_id === null);
    const hit = await findSalesInvoiceByReference(t, reference);
    if (hit && fits(hit) && hit.state !== 'draft') {
      // find_by_reference returns one of several; the reference filter lists them all (drafts too)
      const rows = (await listSalesInvoicesByReference(t, reference)).filter(fits);
      return rows.length ? rows : [hit];
    }
    return (await listSalesInvoicesByReference(t, reference)).filter(fits);
  }

  /** The original order's invoice by its reference (only when the engine has no document id). */
  async function findOriginalSales(reference: string, ctx: TargetContext): Promise<SalesInvoice | null> {
    const rows = await salesWithReference(reference);
    if (rows.length > 1) ctx.log('moneybird.duplicateReference', { reference, ids: rows.map((r) => r.id) });
    return rows.find((r) => r.state !== 'draft') ?? rows[0] ?? null;
  }

  /** This plan's sales invoice (or credit invoice of `originalId`), found by reference. */
  async function findExistingSales(
    plan: BookingPlan,
    ctx: TargetContext,
    contactId: string | null,
    originalId: string | null = null,
  ): Promise<SalesInvoice | null> {
    const credit = plan.kind !== 'order';
    const rows = (await salesWithReference(plan.reference, credit)).filter(
      (r) => !credit || originalId === null || r.original_sales_invoice_id === originalId,
    );
    return pickOurs(plan, rows, contactId, ctx);
  }

  /**
   * A credit draft made by duplicate_creditinvoice whose reference we never got to change (crash
   * between the two calls): it still carries the original's reference and points at it.
   */
  async function findOrphanCredit(original: SalesInvoice): Promise<SalesInvoice | null> {
    if (!original.reference) return null;
    const rows = await listSalesInvoicesByReference(t, original.reference);
    return (
      rows.find(
        (r) =>
          r.original_sales_invoice_id === original.id &&
          r.state === 'draft' &&
          r.reference === original.reference,
      ) ?? null
    );
  }

  async function findExistingExternal(
    plan: BookingPlan,
    ctx: TargetContext,
    contactId: string | null,
  ): Promise<ExternalSalesInvoice | null> {
    const mapped = await ctx.store.getMapping(
      EXTERNAL_MAPPING,
      `${config.administrationId}:${plan.reference}`,
    );
    if (mapped) {
      const doc = await getExternalSalesInvoice(t, mapped);
      if (doc && doc.reference === plan.reference) return pickOurs(plan, [doc], contactId, ctx);
    }
    // Moneybird cannot filter external invoices by reference: the plan's date first (one cheap
    // page), then every date of the contact, so a document dated otherwise is found too.
    const onDate = await findExternalSalesInvoicesByReference(t, plan.reference, { date: plan.date });
    if (onDate.some((r) => adoptionProblems(plan, asFound(r), contactId).length === 0)) return pickOurs(plan, onDate, contactId, ctx);
    const rows = contactId
      ? await findExternalSalesInvoicesByReference(t, plan.reference, { contactId })
      : onDate;
    return pickOurs(plan, rows, contactId, ctx);
  }

  // ------------------------------------------------------------ checks

  function mismatch(
    plan: BookingPlan,
    doc: AnyInvoice,
    problems: string[],
    existing = false,
  ): ShopbooksError {
    const message = existing
      ? `The document already in Moneybird for ${plan.reference} (id ${doc.id}) differs from the order as it is now (${problems.join('; ')}); the order may have been changed after it was booked. Check it in Moneybird.`
      : `Moneybird computed different figures for ${plan.reference} than the shop (${problems.join('; ')}); the document was removed again, nothing was sent or paid.`;
    return new ShopbooksError('TotalsDoNotReconcile', message, {
      retryable: false,
      details: { reference: plan.reference, documentId: doc.id, problems },
    });
  }

  /**
   * Run a create with the contact id; when Moneybird says the contact is gone (deleted or merged
   * after we remembered it), forget the match, resolve the contact again and retry once.
   */
  async function withLiveContact<T>(
    plan: BookingPlan,
    ctx: TargetContext,
    contactId: string,
    create: (id: string) => Promise<T>,
  ): Promise<T> {
    try {
      return await create(contactId);
    } catch (e) {
      if (!(
        e instanceof ShopbooksError &&
        e.code === 'RemoteValidation' &&
        contactRejected(e.remoteMessage ?? '')
      ))
        throw e;
      if (config.customerMode === 'collective') throw e;
      ctx.log('moneybird.contactGone', { reference: plan.reference, contactId });
      await contacts.forget(plan, ctx.store);
      return create(await contacts.resolve(plan, ctx.store));
    }
  }

  // ------------------------------------------------------------ sales invoices

  function salesBody(plan: BookingPlan, contactId: string, built: BuiltDetails): SalesInvoiceCreate {
    return {
      contact_id: contactId,
      reference: plan.reference,
      invoice_date: plan.date,
      currency: plan.currency,
      prices_are_incl_tax: plan.pricesIncludeTax,
      ...(config.workflowId ? { workflow_id: config.workflowId } : {}),
      ...(config.documentStyleId ? { document_style_id: config.documentStyleId } : {}),
      details_attributes: built.details,
    };
  }

  /** Replace every line of a draft (except a zero-priced credit header) with ours. */
  function replaceDetails(doc: SalesInvoice, built: BuiltDetails) {
    const keep = (d: SalesInvoice['details'][number]) =>
      dec(d.price).isZero() && /credit/i.test(d.description ?? '');
    return [
      ...doc.details.filter((d) => !keep(d)).map((d) => ({ id: d.id, _destroy: true })),
      ...built.details,
    ];
  }

  async function sendAndPay(inv: SalesInvoice, plan: BookingPlan, ctx: TargetContext): Promise<SalesInvoice> {
    if (inv.state === 'draft') {
      try {
        inv = await sendSalesInvoice(t, inv.id, config.deliveryMethod);
      } catch (e) {
        if (!isUncertainWrite(e)) throw e;
        inv = await getSalesInvoice(t, inv.id);
        if (inv.state === 'draft') throw e;
      }
      ctx.log('moneybird.sent', { reference: plan.reference, id: inv.id, number: inv.invoice_id });
    }
    return inv;
  }

  async function pay(
    kind: 'sales' | 'external',
    doc: AnyInvoice,
    plan: BookingPlan,
    ctx: TargetContext,
  ): Promise<void> {
    if (config.registerPayments && isZero(doc.total_unpaid)) settledHere.add(doc.id);
    if (!config.registerPayments || !plan.paid || isZero(doc.total_unpaid)) return;
    const payment = {
      payment_date: plan.date,
      price: fixed(doc.total_unpaid),
      ...(doc.currency &&
      master &&
      doc.currency !== master.data.administration.currency &&
      doc.total_unpaid_base
        ? { price_base: fixed(doc.total_unpaid_base) }
        : {}),
      ...(config.financialAccountId ? { financial_account_id: config.financialAccountId } : {}),
    };
    try {
      if (kind === 'sales') await createSalesInvoicePayment(t, doc.id, payment);
      else await createExternalSalesInvoicePayment(t, doc.id, payment);
    } catch (e) {
      if (!isUncertainWrite(e)) throw e;
      const again =
        kind === 'sales' ? await getSalesInvoice(t, doc.id) : await getExternalSalesInvoice(t, doc.id);
      if (!again || !isZero(again.total_unpaid)) throw e;
    }
    settledHere.add(doc.id);
    ctx.log('moneybird.paid', { reference: plan.reference, id: doc.id, price: payment.price });
  }

  /**
   * The payment follow-up (engine/follow-ups.ts): an order booked before it was paid is paid once
   * the shop marks it paid. Reuses `pay`, which reads `total_unpaid` first, so a replay registers
   * nothing twice; documents `pay` already settled in this process need no request at all.
   */
  async function bookPayment(req: FollowUpRequest, ctx: TargetContext): Promise<FollowUpResult> {
    const doc = req.document;
    const done = (recovered: boolean): FollowUpResult => ({ status: 'done', ref: { ...doc, recovered } });
    if (settledHere.has(doc.id)) return done(true);
    await ensurePrepared(ctx);
    const external = doc.type === EXTERNAL_SALES_INVOICE_TYPE;
    const inv = external ? await getExternalSalesInvoice(t, doc.id) : await getSalesInvoice(t, doc.id);
    if (!inv) throw new ShopbooksError('RemoteNotFound', `The booked document ${req.plan.reference} (${doc.id}) is no longer in Moneybird.`, { retryable: false });
    if (!external && (inv as SalesInvoice).state === 'draft') return { status: 'waiting', reason: 'the invoice is still a draft in Moneybird' };
    if (isZero(inv.total_unpaid)) return done(true);
    if (ctx.dryRun) return done(false);
    await pay(external ? 'external' : 'sales', inv, { ...req.plan, paid: true }, ctx);
    return done(false);
  }

  /** Put our lines on a draft when its figures differ from the plan (recovered or copied drafts). */
  async function alignDraft(
    inv: SalesInvoice,
    plan: BookingPlan,
    built: BuiltDetails,
    extra: Partial<SalesInvoiceCreate> = {},
  ): Promise<SalesInvoice> {
    const differs = compareWithMoneybird(built.predicted, inv).length > 0;
    const needsRef = inv.reference !== plan.reference || inv.invoice_date !== plan.date;
    if (!differs && !needsRef && !Object.keys(extra).length) return inv;
    return updateSalesInvoice(t, inv.id, {
      reference: plan.reference,
      invoice_date: plan.date,
      ...extra,
      ...(differs
        ? { prices_are_incl_tax: plan.pricesIncludeTax, details_attributes: replaceDetails(inv, built) }
        : {}),
    });
  }

  function checkOrThrow(plan: BookingPlan, doc: AnyInvoice, predicted: PredictedTotals) {
    const problems = compareWithMoneybird(predicted, doc);
    if (problems.length) throw mismatch(plan, doc, problems, true);
  }

  async function bookSalesOrder(
    plan: BookingPlan,
    opts: { mayExist: boolean },
    ctx: TargetContext,
    m: MoneybirdMasterData,
  ): Promise<DocumentRef> {
    const built = build(plan, m);
    const contactId = await contacts.resolve(plan, ctx.store);
    let inv: SalesInvoice | null = opts.mayExist ? await findExistingSales(plan, ctx, contactId) : null;
    let recovered = inv !== null;
    if (!inv) {
      try {
        inv = await withLiveContact(plan, ctx, contactId, (id) =>
          createSalesInvoice(t, salesBody(plan, id, built)),
        );
      } catch (e) {
        if (!isUncertainWrite(e)) throw e;
        inv = await findExistingSales(plan, ctx, contactId);
        if (!inv) throw e;
        recovered = true;
      }
      ctx.log('moneybird.created', {
        reference: plan.reference,
        id: inv.id,
        recovered,
        corrections: built.corrections,
      });
      const problems = compareWithMoneybird(built.predicted, inv);
      if (problems.length && inv.state === 'draft' && !recovered) {
        await deleteSalesInvoice(t, inv.id).catch(() => undefined); // leave no wrong draft behind
        throw mismatch(plan, inv, problems);
      }
    }
    if (inv.state === 'draft') inv = await alignDraft(inv, plan, built);
    checkOrThrow(plan, inv, built.predicted);
    inv = await sendAndPay(inv, plan, ctx);
    await pay('sales', inv, plan, ctx);
    return {
      id: inv.id,
      type: SALES_INVOICE_TYPE,
      number: inv.invoice_id,
      url: docUrl('sales_invoices', inv.id),
      customerId: inv.contact_id ?? contactId,
      recovered,
    };
  }

  async function bookSalesCredit(
    plan: BookingPlan,
    opts: { mayExist: boolean; original: DocumentRef | null },
    ctx: TargetContext,
    m: MoneybirdMasterData,
  ): Promise<DocumentRef> {
    const built = build(plan, m);
    let original: SalesInvoice | null = null;
    if (opts.original?.id) original = await getSalesInvoice(t, opts.original.id);
    else if (plan.originalReference) original = await findOriginalSales(plan.originalReference, ctx);
    if (!original) {
      throw new ShopbooksError(
        'RemoteNotFound',
        `The invoice of order ${plan.orderNumber} (${plan.originalReference ?? '?'}) is not in Moneybird yet; the ${plan.kind} is booked after it.`,
        {
          retryable: true,
          details: { reference: plan.reference },
        },
      );
    }
    if (original.state === 'draft') {
      throw new ShopbooksError(
        'RemoteValidation',
        `The invoice of order ${plan.orderNumber} is still a draft in Moneybird; it must be sent before it can be credited.`,
        { retryable: true },
      );
    }
    let credit: SalesInvoice | null = null;
    if (opts.mayExist)
      credit =
        (await findExistingSales(plan, ctx, original.contact_id, original.id)) ?? (await findOrphanCredit(original));
    let recovered = credit !== null;
    if (!credit) {
      try {
        credit = await duplicateCreditInvoice(t, original.id);
      } catch (e) {
        if (!isUncertainWrite(e)) throw e;
        credit = await findOrphanCredit(original);
        if (!credit) throw e;
        recovered = true;
      }
      ctx.log('moneybird.creditCreated', { reference: plan.reference, id: credit.id, original: original.id });
    }
    // Full refund: the copied lines already equal the plan, only the reference changes.
    // Partial refund: the copied lines are replaced by the refunded ones (the link stays).
    if (credit.state === 'draft') credit = await alignDraft(credit, plan, built);
    checkOrThrow(plan, credit, built.predicted);
    credit = await sendAndPay(credit, plan, ctx);
    if (!isZero(credit.total_unpaid)) {
      const orig = await getSalesInvoice(t, original.id);
      if (
        !isZero(orig.total_unpaid) &&
        dec(orig.total_unpaid).greaterThanOrEqualTo(dec(credit.total_unpaid).negated())
      ) {
        // The order was never (fully) paid: the credit cancels the open amount.
        await settleCreditInvoice(t, credit.id);
        ctx.log('moneybird.settled', { reference: plan.reference, id: credit.id, original: original.id });
      } else {
        // The order was paid: the refund went back to the customer.
        await pay('sales', credit, plan, ctx);
      }
    }
    return {
      id: credit.id,
      type: SALES_INVOICE_TYPE,
      number: credit.invoice_id,
      url: docUrl('sales_invoices', credit.id),
      customerId: credit.contact_id,
      recovered,
    };
  }

  // ------------------------------------------------------------ external sales invoices

  async function bookExternal(
    plan: BookingPlan,
    opts: { mayExist: boolean },
    ctx: TargetContext,
    m: MoneybirdMasterData,
  ): Promise<DocumentRef> {
    const built = build(plan, m);
    const contactId = await contacts.resolve(plan, ctx.store);
    let doc: ExternalSalesInvoice | null = opts.mayExist ? await findExistingExternal(plan, ctx, contactId) : null;
    let recovered = doc !== null;
    if (!doc) {
      try {
        doc = await withLiveContact(plan, ctx, contactId, (id) =>
          createExternalSalesInvoice(t, {
            contact_id: id,
            reference: plan.reference,
            date: plan.date,
            currency: plan.currency,
            prices_are_incl_tax: plan.pricesIncludeTax,
            source: config.sourceName,
            details_attributes: built.details,
          }),
        );
      } catch (e) {
        if (!isUncertainWrite(e)) throw e;
        doc = await findExistingExternal(plan, ctx, contactId);
        if (!doc) throw e;
        recovered = true;
      }
      await ctx.store.setMapping(EXTERNAL_MAPPING, `${config.administrationId}:${plan.reference}`, doc.id);
      ctx.log('moneybird.created', {
        reference: plan.reference,
        id: doc.id,
        recovered,
        corrections: built.corrections,
      });
      const problems = compareWithMoneybird(built.predicted, doc);
      if (problems.length && !recovered && doc.payments.length === 0) {
        await deleteExternalSalesInvoice(t, doc.id).catch(() => undefined);
        throw mismatch(plan, doc, problems);
      }
    }
    checkOrThrow(plan, doc, built.predicted);
    if (deps.documentPdf && doc.attachments.length === 0) {
      const pdf = await deps.documentPdf(plan);
      if (pdf) await attachExternalSalesInvoicePdf(t, doc.id, pdf);
    }
    await pay('external', doc, plan, ctx);
    const entry = doc.entry_number;
    return {
      id: doc.id,
      type: EXTERNAL_SALES_INVOICE_TYPE,
      number: entry === null || entry === undefined ? null : String(entry),
      url: docUrl('external_sales_invoices', doc.id),
      customerId: doc.contact_id ?? contactId,
      recovered,
    };
  }

  // ------------------------------------------------------------ Target

  async function bookDocument(
    plan: BookingPlan,
    opts: { mayExist: boolean; original: DocumentRef | null },
    ctx: TargetContext,
  ): Promise<DocumentRef> {
    const m = await ensurePrepared(ctx);
    const v = await validate(plan);
    if (!v.ok) throw v.error;
    const external = config.documentKind === 'externalSalesInvoice';
    if (ctx.dryRun) {
      const built = build(plan, m);
      ctx.log('moneybird.dryRun', {
        reference: plan.reference,
        document: external
          ? 'external sales invoice'
          : plan.kind === 'order'
            ? 'sales invoice'
            : 'credit invoice',
        details: built.details,
        predicted: built.predicted,
        corrections: built.corrections,
      });
      return {
        id: '',
        type: external ? EXTERNAL_SALES_INVOICE_TYPE : SALES_INVOICE_TYPE,
        number: null,
        url: null,
        customerId: null,
        recovered: false,
      };
    }
    if (external) return bookExternal(plan, opts, ctx, m);
    if (plan.kind === 'order') return bookSalesOrder(plan, opts, ctx, m);
    return bookSalesCredit(plan, opts, ctx, m);
  }

  async function findDocument(plan: BookingPlan, ctx: TargetContext): Promise<DocumentRef | null> {
    t.useStore(ctx.store);
    if (config.documentKind === 'externalSalesInvoice') {
      const contactId = await contacts.known(plan, ctx.store);
      const doc = await findExistingExternal(plan, ctx, contactId);
      if (!doc) return null;
      const entry = doc.entry_number;
      return {
        id: doc.id,
        type: EXTERNAL_SALES_INVOICE_TYPE,
        number: entry == null ? null : String(entry),
        url: docUrl('external_sales_invoices', doc.id),
        customerId: doc.contact_id,
        recovered: true,
      };
    }
    const inv = await findExistingSales(plan, ctx, null);
    if (!inv) return null;
    return {
      id: inv.id,
      type: SALES_INVOICE_TYPE,
      number: inv.invoice_id,
      url: docUrl('sales_invoices', inv.id),
      customerId: inv.contact_id,
      recovered: true,
    };
  }

  return {
    name: 'moneybird',
    config,
    transport: t,
    prepare,
    validate,
    bookDocument,
    findDocument,
    ...(config.registerPayments ? { bookPayment: (req: FollowUpRequest, _opts: { mayExist: boolean }, ctx: TargetContext) => { t.useStore(ctx.store); return bookPayment(req, ctx); } } : {}),
    attachPdf: (req, _opts, ctx) => {
      t.useStore(ctx.store);
      return attachMoneybirdPdf(t, EXTERNAL_SALES_INVOICE_TYPE, req, ctx);
    },
    readBooks: (window: BooksWindow, ctx: TargetContext) => {
      t.useStore(ctx.store);
      const vatKeysOf = (id: string) => Object.entries(config.taxRateMap).filter(([, v]) => String(v) === id).map(([k]) => k);
      return readMoneybirdBooks(t, { window, vatKeysOf });
    },
    callStats: () => ({ ...t.stats }),
    listAdministrations: async (ctx: TargetContext) => {
      t.useStore(ctx.store);
      return listAdministrations(t);
    },
  };
}
