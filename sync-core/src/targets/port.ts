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
  /** Calls made so far, by kind, for the reconciliation (e.g. { read: 12, write: 40, token: 1 }). */
  callStats(): Record<string, number>;
}
