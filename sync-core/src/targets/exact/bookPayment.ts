/**
 * Register the payment of a booked document in Exact, exactly once: a cash or bank entry (see
 * createPaymentEntry.ts) on the journal of the order's payment method, settling the document's
 * open item by its number. Refunds and cancellations (credit notes) get the opposite entry (the
 * refund paid back). A draft sales invoice has no open item yet: the payment waits until the
 * invoice is processed; sales orders have none at all.
 */
import { ShopbooksError } from '../../model/errors';
import { dec, fixed } from '../../model/money';
import type { DocumentRef, FollowUpRequest, FollowUpResult, TargetContext } from '../port';
import type { ExactTargetConfig } from './config';
import { createPaymentEntry, findPaymentEntries, paymentLine, type PaymentEntry } from './createPaymentEntry';
import { isUncertainWrite } from './errors';
import { getDocument } from './findDocument';
import { findGlAccountsByCode } from './listGlAccounts';
import { journalCodeFor, paymentChannel, resolvePaymentJournal, type PaymentJournal } from './paymentJournal';
import type { ExactTransport } from './transport';

export interface PaymentDeps {
  t: ExactTransport;
  config: ExactTargetConfig;
  /** Per-run caches (journals by code, the receivables G/L id). */
  cache: { journals: Map<string, PaymentJournal>; receivablesGl?: string };
}

/** The number Exact matches a payment on (`OurRef`), or why there is none (yet). */
async function openItemNumber(t: ExactTransport, doc: DocumentRef): Promise<{ ok: true; number: number } | { ok: false; result: FollowUpResult }> {
  let number = doc.number;
  if (doc.type === 'SalesOrder') return { ok: false, result: { status: 'not-needed', reason: 'A sales order has no open item in Exact; its payment belongs to the invoice made of it.' } };
  if (doc.type === 'SalesInvoice') {
    const inv = await getDocument(t, 'salesInvoice', doc.id);
    if (!inv) throw new ShopbooksError('RemoteNotFound', `The sales invoice ${doc.id} is no longer in Exact.`, { retryable: false });
    if ((inv.status ?? 0) < 50) return { ok: false, result: { status: 'waiting', reason: 'the sales invoice is still a draft in Exact; the payment is registered once the invoice is processed' } };
    number = inv.number;
  } else if (!number) {
    number = (await getDocument(t, 'salesEntry', doc.id))?.number ?? null;
  }
  const n = Number(number);
  if (!number || !Number.isInteger(n) || n <= 0 || n > 2147483647) throw new ShopbooksError('RemoteBadResponse', `Exact gave the document ${doc.id} no usable number (${String(number)}) to match the payment on.`, { retryable: true });
  return { ok: true, number: n };
}

async function receivablesGl(d: PaymentDeps): Promise<string> {
  if (d.cache.receivablesGl) return d.cache.receivablesGl;
  const code = d.config.payments.receivablesGlAccount;
  const [g] = await findGlAccountsByCode(d.t, [code]);
  if (!g) throw new ShopbooksError('GlAccountNotMapped', `The receivables G/L account "${code}" does not exist in Exact: check payments.receivablesGlAccount.`, { retryable: false, details: { code } });
  if (g.Type !== null && g.Type !== undefined && g.Type !== 20) throw new ShopbooksError('GlAccountNotMapped', `G/L account "${code}" is not a receivables (debtors) account in Exact (type ${g.Type}).`, { retryable: false, details: { code } });
  d.cache.receivablesGl = g.ID;
  return g.ID;
}

function toRef(entity: PaymentJournal['entity'], e: PaymentEntry, customerId: string, recovered: boolean): DocumentRef {
  return { id: e.entryId, type: entity === 'CashEntries' ? 'CashEntry' : 'BankEntry', number: e.entryNumber, url: null, customerId, recovered };
}

export async function bookExactPayment(d: PaymentDeps, req: FollowUpRequest, opts: { mayExist: boolean }, ctx: TargetContext): Promise<FollowUpResult> {
  const { t, config } = d;
  const { plan, document } = req;
  if (dec(plan.totals.gross).isZero()) return { status: 'not-needed', reason: 'The document totals zero; there is nothing to pay.' };
  // Orders booked as sales orders have no open item; their payments (and refunds paid back) belong
  // to the invoices made of them in Exact, so the credit invoices of their refunds are left alone too.
  if (config.documentKind === 'salesOrder') return { status: 'not-needed', reason: 'Orders are booked as sales orders: payments are registered on the invoices Exact makes of them.' };
  const code = journalCodeFor(config.payments, plan.paymentMethod);
  let journal = d.cache.journals.get(code);
  if (!journal) {
    journal = await resolvePaymentJournal(t, code);
    d.cache.journals.set(code, journal);
  }
  if (opts.mayExist) {
    const [found] = await findPaymentEntries(t, journal.entity, req.reference);
    if (found) {
      ctx.log('exact.payment.recovered', { reference: req.reference, id: found.entryId });
      return { status: 'done', ref: toRef(journal.entity, found, document.customerId ?? '', true) };
    }
  }
  const item = await openItemNumber(t, document);
  if (!item.ok) return item.result;
  const customerId = document.customerId;
  if (!customerId) throw new ShopbooksError('Internal', `The booked document ${plan.reference} has no customer recorded; the payment cannot be matched.`, { retryable: false });
  const line = paymentLine({
    customerId,
    glAccountId: await receivablesGl(d),
    amount: fixed(plan.totals.gross),
    ourRef: item.number,
    date: plan.date,
    reference: req.reference,
    notes: `${plan.kind === 'order' ? 'Payment' : 'Refund paid back'} ${plan.reference} (${paymentChannel(plan.paymentMethod)}: ${plan.paymentMethod || 'unknown'})`,
  });
  if (ctx.dryRun) {
    ctx.log('exact.dry-run', { reference: req.reference, entity: journal.entity, body: line });
    return { status: 'done', ref: { id: '', type: journal.entity, number: null, url: null, customerId, recovered: false } };
  }
  let entry: PaymentEntry;
  let recovered = false;
  try {
    entry = await createPaymentEntry(t, journal.entity, { JournalCode: journal.code, Currency: plan.currency, line });
  } catch (e) {
    if (!isUncertainWrite(e)) throw e;
    const [found] = await findPaymentEntries(t, journal.entity, req.reference);
    if (!found) throw e;
    entry = found;
    recovered = true;
  }
  ctx.log('exact.payment.booked', { reference: req.reference, id: entry.entryId, journal: journal.code, ourRef: item.number, amount: line.AmountFC, recovered });
  return { status: 'done', ref: toRef(journal.entity, entry, customerId, recovered) };
}
