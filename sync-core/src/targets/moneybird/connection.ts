/**
 * What every Moneybird booking flow shares: the parsed settings, the one transport, the contact
 * resolver and the master data `prepare` loaded. `createMoneybirdTarget` (index.ts) makes one per
 * target; the flows (book-*.ts, recovery.ts) take it as their first argument instead of closing
 * over it, so each flow is its own file.
 */
import type { BookingPlan } from '../../plan/types';
import type { MoneybirdTargetConfig } from './config';
import type { ContactResolver } from './contacts';
import { buildDetails, type BuiltDetails } from './invoice-lines';
import type { MoneybirdMasterData } from './master-data';
import type { MoneybirdTransport } from './transport';

export const SALES_INVOICE_TYPE = 'SalesInvoice(moneybird)';
export const EXTERNAL_SALES_INVOICE_TYPE = 'ExternalSalesInvoice';
/** Store mapping `administration:reference` -> external sales invoice id (they cannot be filtered by reference). */
export const EXTERNAL_MAPPING = 'moneybird-external-invoice';

/** The shop's own invoice PDF, attached to external sales invoices when given. */
export type DocumentPdf = (plan: BookingPlan) => Promise<{ filename: string; data: Uint8Array } | null>;

export interface MoneybirdConnection {
  readonly config: MoneybirdTargetConfig;
  readonly transport: MoneybirdTransport;
  readonly contacts: ContactResolver;
  readonly documentPdf?: DocumentPdf;
  /** Loaded by `prepare` (prepare.ts); null before. */
  master: MoneybirdMasterData | null;
  /** Documents whose payment `registerPayment` registered (or found registered) in this process. */
  readonly settledHere: Set<string>;
}

/** The document's page in Moneybird's web app. */
export function documentUrl(
  mb: MoneybirdConnection,
  kind: 'sales_invoices' | 'external_sales_invoices',
  id: string,
): string {
  return `${mb.config.baseUrl}/${mb.config.administrationId}/${kind}/${id}`;
}

/** The plan's invoice details with Moneybird's predicted totals (throws on an unmapped VAT rate or a cent gap). */
export function buildInvoiceDetails(
  mb: MoneybirdConnection,
  plan: BookingPlan,
  m: MoneybirdMasterData,
): BuiltDetails {
  return buildDetails(plan, {
    taxRate: (k) => m.taxRate(k),
    ledgerAccount: (role) => m.ledgerAccount(role),
    zeroRate: m.requireZeroRate(),
    rounding: mb.config.vatRounding,
  });
}
