/**
 * `POST salesorder/SalesOrders`: a sales order for an order (documentKind 'salesOrder'). Every
 * line needs an item; the shop's VAT goes into each line's VATAmount. Exact rejects negative
 * order totals, so refunds are never booked as sales orders (see index.ts).
 */
import { z } from 'zod';
import type { BookingPlan } from '../../plan/types';
import { exactDateToIsoDay, toExactDateTime, unwrapEntity } from './odata';
import type { ExactDocument, ResolvedRefs } from './documents';
import { quantityAndPrice, type ExactLine } from './lines';
import { Amount, FIELD_LIMITS, Guid, parseRecord, requireLength, truncate } from './schemas';
import type { ExactTransport } from './transport';

export const SalesOrderLineBody = z.object({
  Item: z.string(),
  Quantity: z.string(),
  UnitPrice: z.string(),
  VATCode: z.string(),
  VATAmount: z.string(),
  Description: z.string(),
});
export const SalesOrderBody = z.object({
  OrderedBy: z.string(),
  InvoiceTo: z.string(),
  YourRef: z.string(),
  Description: z.string(),
  OrderDate: z.string(),
  Currency: z.string(),
  PaymentCondition: z.string().optional(),
  SalesOrderLines: z.array(SalesOrderLineBody).min(1),
});
export type SalesOrderBody = z.infer<typeof SalesOrderBody>;

export const ExactSalesOrder = z.object({
  OrderID: Guid,
  OrderNumber: z.number().int().nullable().optional(),
  OrderedBy: Guid.nullable().optional(),
  YourRef: z.string().nullable().optional(),
  AmountFC: Amount.nullable().optional(),
  Status: z.number().int().nullable().optional(),
  OrderDate: z.string().nullable().optional(),
  Currency: z.string().nullable().optional(),
});
export type ExactSalesOrder = z.infer<typeof ExactSalesOrder>;

export async function buildSalesOrderBody(plan: BookingPlan, lines: ExactLine[], refs: ResolvedRefs): Promise<SalesOrderBody> {
  if (!refs.itemId) throw new Error('buildSalesOrderBody needs an item resolver');
  const out: z.infer<typeof SalesOrderLineBody>[] = [];
  for (const l of lines) {
    const qp = quantityAndPrice(l.quantity, l.net, l.description || plan.reference);
    out.push({
      Item: await refs.itemId(l),
      Quantity: qp.quantity,
      UnitPrice: qp.unitPrice,
      VATCode: l.vatCode,
      VATAmount: l.vat,
      Description: truncate(qp.description, FIELD_LIMITS.description),
    });
  }
  return SalesOrderBody.parse({
    OrderedBy: refs.customerId,
    InvoiceTo: refs.customerId,
    YourRef: requireLength(plan.reference, FIELD_LIMITS.yourRef, 'booking reference'),
    Description: truncate(plan.description || plan.reference, FIELD_LIMITS.description),
    OrderDate: toExactDateTime(plan.date),
    Currency: plan.currency,
    ...(refs.paymentConditionCode ? { PaymentCondition: refs.paymentConditionCode } : {}),
    SalesOrderLines: out,
  });
}

export function salesOrderDocument(o: ExactSalesOrder): ExactDocument {
  return {
    kind: 'salesOrder',
    id: o.OrderID,
    number: o.OrderNumber === null || o.OrderNumber === undefined ? null : String(o.OrderNumber),
    customerId: o.OrderedBy ?? null,
    yourRef: o.YourRef ?? null,
    amount: o.AmountFC ?? null,
    vatAmount: null,
    status: o.Status ?? null,
    date: exactDateToIsoDay(o.OrderDate),
    currency: o.Currency ?? null,
  };
}

export async function createSalesOrder(t: ExactTransport, body: SalesOrderBody): Promise<ExactDocument> {
  const res = await t.post('salesorder/SalesOrders', SalesOrderBody.parse(body));
  return salesOrderDocument(parseRecord(ExactSalesOrder, unwrapEntity(res), 'created sales order'));
}
