/**
 * The Target port: one accounting system (Exact Online, Moneybird). A target owns its transport
 * (auth, rate limits, retries), its master data (VAT codes, GL accounts, journals, customers,
 * items) and the mapping of a BookingPlan to documents.
 *
 * Contract (see targets/README.md):
 * - `bookDocument` creates exactly one document for the plan. When `mayExist` is true a previous
 *   attempt may already have written it (timeout, 5xx, crash): the target must first look the
 *   document up by `plan.reference` and, when found, complete any missing steps (send, payment)
 *   instead of creating it again.
 * - The document's gross total and VAT per rate must equal plan.totals / plan.vatByRate to the cent.
 *   Where the system computes VAT itself, the target checks what it will compute and corrects
 *   with the plan's rounding role (or an explicit VAT amount where the API allows it).
 * - Errors are ShopbooksError values with `retryable` set truthfully: bad data is not retryable.
 */
import type { BookingPlan } from '../plan/types';
import type { Store } from '../store/port';

/** A name from the target registry (targets/index.ts), e.g. 'exact', 'moneybird'. */
export type TargetName = string;

export interface DocumentRef {
  /** The target's id of the document (Exact GUID, Moneybird 18-digit id as a string). */
  id: string;
  /** e.g. 'SalesEntry', 'SalesInvoice', 'SalesOrder', 'SalesInvoice(moneybird)', 'ExternalSalesInvoice'. */
  type: string;
  /** The number the accounting system gave it, when known (entry number, invoice number). */
  number: string | null;
  /** A link for humans (wp-admin log), when the target can build one. */
  url: string | null;
  /** The customer / contact id the document was booked on. */
  customerId: string | null;
  /** True when an existing document was found instead of created (after an uncertain outcome). */
  recovered: boolean;
}

export interface TargetContext {
  store: Store;
  /** Write nothing; explain what would be done. */
  dryRun: boolean;
  /** Structured log (never secrets). */
  log: (event: string, data?: Record<string, unknown>) => void;
}

export interface VatMapProblem {
  key: string;
  message: string;
}

/**
 * Follow-ups of a booked document (engine/follow-ups.ts): its payment and its PDF. Each is its own
 * ledger entry with a deterministic `reference`; with `mayExist` the target looks it up by that
 * reference before writing, exactly like `bookDocument`.
 */
export interface FollowUpRequest {
  /** The booked order/refund/cancellation document this follows. */
  document: DocumentRef;
  plan: BookingPlan;
  /** Deterministic reference of the follow-up (e.g. `SB-1001-P`, `SB-1001-PDF`). */
  reference: string;
}

export interface InvoicePdf {
  filename: string;
  data: Uint8Array;
}

export type FollowUpResult =
  | { status: 'done'; ref: DocumentRef }
  /** Nothing to do for this document, for good (e.g. a zero total, a sales order without open item). */
  | { status: 'not-needed'; reason: string }
  /** Not possible yet (a draft invoice has no open item): retried later. */
  | { status: 'waiting'; reason: string };

/** The period a books reader reads: booking dates from `from` up to and including `to` (YYYY-MM-DD). */
export interface BooksWindow {
  from: string;
  to: string;
}

/** One VAT line of a document as the books hold it (amounts in the document's currency, 2 decimals). */
export interface BooksVatLine {
  /** The books' own VAT code (Exact VAT code, Moneybird tax rate id). */
  vatCode: string;
  /** The plan VAT keys the settings map to this code (`domestic:21`, ...): none when unmapped. */
  vatKeys: string[];
  net: string;
  vat: string;
}

/** A sales document read back from the books (books-reader.ts of each target). */
export interface BookedDocument {
  id: string;
  /** e.g. 'SalesEntry', 'SalesInvoice(moneybird)', 'ExternalSalesInvoice'. */
  type: string;
  /** The reference it carries (Exact `YourRef`, Moneybird `reference`), null when none. */
  reference: string | null;
  /** Booking date in the books, YYYY-MM-DD. */
  date: string;
  currency: string;
  gross: string;
  lines: BooksVatLine[];
  /** The books' change marker (Exact `Modified` epoch ms, Moneybird `version`): drift detection compares it. */
  version: string | null;
}

export interface BooksReadout {
  documents: BookedDocument[];
  /** API calls the read used. */
  calls: number;
}

export interface Target {
  readonly name: TargetName;
  /** Load and cache master data for this run; validate the VAT and GL mappings. */
  prepare(ctx: TargetContext): Promise<{ problems: VatMapProblem[] }>;
  /** Check that a plan can be booked (VAT codes mapped, currency available, lengths) without writing. */
  validate(plan: BookingPlan): Promise<{ ok: true } | { ok: false; error: import('../model/errors').ShopbooksError }>;
  /** Book exactly one document for the plan (see contract above). */
  bookDocument(plan: BookingPlan, opts: { mayExist: boolean; original: DocumentRef | null }, ctx: TargetContext): Promise<DocumentRef>;
  /** Look a document up by reference (for reconciliation and status). */
  findDocument(plan: BookingPlan, ctx: TargetContext): Promise<DocumentRef | null>;
  /**
   * Register the payment (or, for a credit note, the refund paid back) of a booked document so the
   * books match it to the open item. Present only when the target registers payments this way and
   * its settings turn it on (Moneybird pays inside `bookDocument`).
   */
  bookPayment?(req: FollowUpRequest, opts: { mayExist: boolean }, ctx: TargetContext): Promise<FollowUpResult>;
  /** Attach the invoice PDF to a booked document, once. */
  attachPdf?(req: FollowUpRequest & { pdf: InvoicePdf }, opts: { mayExist: boolean }, ctx: TargetContext): Promise<FollowUpResult>;
  /**
   * Read the sales documents of a period back from the books themselves (bulk / synchronization
   * endpoints, pages of 1 000 or batches of 100: never one call per document). For the period
   * reconciliation and drift detection; read-only.
   */
  readBooks?(window: BooksWindow, ctx: TargetContext): Promise<BooksReadout>;
  /** Calls made so far, by kind, for the reconciliation (e.g. { read: 12, write: 40, token: 1 }). */
  callStats(): Record<string, number>;
}
