/**
 * `POST salesentry/SalesEntries`: the financial booking ("verkoopboeking") of an order, or of a
 * refund/cancellation as a negative entry (credit note) in the same sales journal.
 * Each line carries the plan's net as AmountFC and the shop's VAT as VATAmountFC, so Exact's VAT
 * equals the shop's to the cent.
 */
import { z } from 'zod';
import type { BookingPlan } from '../../plan/types';
import { exactDateToIsoDay, toExactDateTime, unwrapEntity } from './odata';
import type { ExactDocument, ResolvedRefs } from './documents';
import type { ExactLine } from './lines';
import { Amount, Guid, FIELD_LIMITS, parseRecord, requireLength, truncate } from './schemas';
import type { ExactTransport } from './transport';

export const SalesEntryLineBody = z.object({
  GLAccount: z.string(),
  AmountFC: z.string(),
  VATCode: z.string(),
  VATAmountFC: z.string(),
  Description: z.string(),
});
export const SalesEntryBody = z.object({
  Journal: z.string(),
  Customer: z.string(),
  EntryDate: z.string(),
  YourRef: z.string(),
  Description: z.string(),
  Currency: z.string(),
  PaymentCondition: z.string().optional(),
  SalesEntryLines: z.array(SalesEntryLineBody).min(1),
});
export type SalesEntryBody = z.infer<typeof SalesEntryBody>;

export const ExactSalesEntry = z.object({
  EntryID: Guid,
  EntryNumber: z.number().int().nullable().optional(),
  Customer: Guid.nullable().optional(),
  YourRef: z.string().nullable().optional(),
  AmountFC: Amount.nullable().optional(),
  VATAmountFC: Amount.nullable().optional(),
  Status: z.number().int().nullable().optional(),
  Journal: z.string().nullable().optional(),
  EntryDate: z.string().nullable().optional(),
  Currency: z.string().nullable().optional(),
  SalesEntryLines: z.unknown().optional(),
});
export type ExactSalesEntry = z.infer<typeof ExactSalesEntry>;

export function buildSalesEntryBody(plan: BookingPlan, lines: ExactLine[], refs: ResolvedRefs): SalesEntryBody {
  return SalesEntryBody.parse({
    Journal: refs.journalCode,
    Customer: refs.customerId,
    EntryDate: toExactDateTime(plan.date),
    YourRef: requireLength(plan.reference, FIELD_LIMITS.yourRef, 'booking reference'),
    Description: truncate(plan.description || plan.reference, FIELD_LIMITS.description),
    Currency: plan.currency,
    ...(refs.paymentConditionCode ? { PaymentCondition: refs.paymentConditionCode } : {}),
    SalesEntryLines: lines.map((l) => ({
      GLAccount: refs.glAccountId(l.role),
      AmountFC: l.net,
      VATCode: l.vatCode,
      VATAmountFC: l.vat,
      Description: truncate(l.description || plan.reference, FIELD_LIMITS.description),
    })),
  });
}

export function salesEntryDocument(e: ExactSalesEntry): ExactDocument {
  return {
    kind: 'salesEntry',
    id: e.EntryID,
    number: e.EntryNumber === null || e.EntryNumber === undefined ? null : String(e.EntryNumber),
    customerId: e.Customer ?? null,
    yourRef: e.YourRef ?? null,
    amount: e.AmountFC ?? null,
    vatAmount: e.VATAmountFC ?? null,
    status: e.Status ?? null,
    date: exactDateToIsoDay(e.EntryDate),
    currency: e.Currency ?? null,
  };
}

export async function createSalesEntry(t: ExactTransport, body: SalesEntryBody): Promise<ExactDocument> {
  const res = await t.post('salesentry/SalesEntries', SalesEntryBody.parse(body));
  return salesEntryDocument(parseRecord(ExactSalesEntry, unwrapEntity(res), 'created sales entry'));
}

