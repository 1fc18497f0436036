/**
 * The Moneybird target: BookingPlan -> one Moneybird document, exactly once and to the cent.
 *
 *   const target = createMoneybirdTarget(config);           // config: MoneybirdTargetConfigInput
 *   const { problems } = await target.prepare(ctx);         // master data + TaxRateMap validation
 *   const ref = await target.bookDocument(plan, { mayExist, original }, ctx);
 *
 * This file only wires the booking flows, one file each (see README.md):
 *   prepare.ts               master data, TaxRateMap and plan checks
 *   book-sales-invoice.ts    order -> sales invoice (draft -> send with delivery Manual -> payment)
 *   book-credit.ts           refund / cancellation -> credit invoice (duplicate_creditinvoice,
 *                            settled against the original or paid out)
 *   book-external-invoice.ts order or refund -> external sales invoice (open -> PDF -> payment)
 *   book-payment.ts          the payment, at booking or later as a follow-up
 *   recovery.ts              finding and adopting a document already in Moneybird
 * They share one MoneybirdConnection (connection.ts): config, transport, contacts, master data.
 *
 * Exactly once: with `mayExist` (and after any write whose outcome is unknown) the document is
 * looked up by reference first and only the missing steps are done (recovery.ts).
 */
import type { BookingPlan } from '../../plan/types';
import type { BooksWindow, DocumentRef, FollowUpRequest, Target, TargetContext } from '../port';
import { parseMoneybirdConfig, type MoneybirdTargetConfig, type MoneybirdTargetConfigInput } from './config';
import { MoneybirdTransport, type TransportDeps } from './transport';
import { readMoneybirdBooks } from './read-books';
import { listAdministrations } from './master-data';
import { ContactResolver } from './contacts';
import type { Administration } from './schemas';
import { attachMoneybirdPdf } from './attach-pdf';
import {
  EXTERNAL_SALES_INVOICE_TYPE,
  SALES_INVOICE_TYPE,
  buildInvoiceDetails,
  type DocumentPdf,
  type MoneybirdConnection,
} from './connection';
import { ensurePrepared, prepareMoneybird, validatePlan } from './prepare';
import { bookSalesInvoice } from './book-sales-invoice';
import { bookCreditInvoice } from './book-credit';
import { bookExternalInvoice } from './book-external-invoice';
import { bookMoneybirdPayment } from './book-payment';
import { findMoneybirdDocument } from './recovery';

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
export { SALES_INVOICE_TYPE, EXTERNAL_SALES_INVOICE_TYPE } from './connection';

export interface MoneybirdTargetDeps extends TransportDeps {
  /** The shop's own invoice PDF, attached to external sales invoices when given. */
  documentPdf?: DocumentPdf;
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
  const mb: MoneybirdConnection = {
    config,
    transport: t,
    contacts: new ContactResolver(t, config),
    documentPdf: deps.documentPdf,
    master: null,
    settledHere: new Set<string>(),
  };

  async function bookDocument(
    plan: BookingPlan,
    opts: { mayExist: boolean; original: DocumentRef | null },
    ctx: TargetContext,
  ): Promise<DocumentRef> {
    const m = await ensurePrepared(mb, ctx);
    const v = await validatePlan(mb, plan);
    if (!v.ok) throw v.error;
    const external = config.documentKind === 'externalSalesInvoice';
    if (ctx.dryRun) {
      const built = buildInvoiceDetails(mb, plan, m);
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
    if (external) return bookExternalInvoice(mb, plan, opts, ctx, m);
    if (plan.kind === 'order') return bookSalesInvoice(mb, plan, opts, ctx, m);
    return bookCreditInvoice(mb, plan, opts, ctx, m);
  }

  return {
    name: 'moneybird',
    config,
    transport: t,
    prepare: (ctx) => prepareMoneybird(mb, ctx),
    validate: (plan) => validatePlan(mb, plan),
    bookDocument,
    findDocument: (plan, ctx) => findMoneybirdDocument(mb, plan, ctx),
    ...(config.registerPayments
      ? {
          bookPayment: (req: FollowUpRequest, _opts: { mayExist: boolean }, ctx: TargetContext) => {
            t.useStore(ctx.store);
            return bookMoneybirdPayment(mb, req, ctx);
          },
        }
      : {}),
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
