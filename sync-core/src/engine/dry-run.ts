/**
 * The target of a dry run (preview, `sync --dry-run`): the engine runs its own path — rules, plans,
 * the ledger, the target's validation — and only the writes to the books are kept back. Reads go
 * to the real target (master data, VAT codes, GL accounts, looking documents up by reference), so
 * a mapping the books do not have fails exactly as it would in a real run; every write answers
 * "would book" without calling the books.
 *
 * Paired with store/dry-run-store.ts, which keeps the run's ledger writes in memory.
 */
import type { BookingPlan } from '../plan/types';
import type {
  DocumentRef,
  FollowUpRequest,
  FollowUpResult,
  InvoicePdf,
  Target,
  TargetContext,
  VatMapProblem,
} from '../targets/port';

/** `DocumentRef.type` of a document a dry run would book (nothing was written). */
export const WOULD_BOOK = 'would book';

function wouldBook(customerId: string | null = null): DocumentRef {
  return { id: '', type: WOULD_BOOK, number: null, url: null, customerId, recovered: false };
}

export function isWouldBook(ref: Pick<DocumentRef, 'type'>): boolean {
  return ref.type === WOULD_BOOK;
}

export class DryRunTarget implements Target {
  readonly name: string;
  readonly bookPayment?: Target['bookPayment'];
  readonly attachPdf?: Target['attachPdf'];

  constructor(private readonly real: Target) {
    this.name = real.name;
    // the follow-ups exist exactly when the real target has them (the engine asks for them by presence)
    if (real.bookPayment)
      this.bookPayment = async (
        _req: FollowUpRequest,
        _opts: { mayExist: boolean },
        _ctx: TargetContext,
      ): Promise<FollowUpResult> => ({ status: 'done', ref: wouldBook() });
    if (real.attachPdf)
      this.attachPdf = async (
        _req: FollowUpRequest & { pdf: InvoicePdf },
        _opts: { mayExist: boolean },
        _ctx: TargetContext,
      ): Promise<FollowUpResult> => ({ status: 'done', ref: wouldBook() });
  }

  prepare(ctx: TargetContext): Promise<{ problems: VatMapProblem[] }> {
    return this.real.prepare({ ...ctx, dryRun: true });
  }

  validate(plan: BookingPlan) {
    return this.real.validate(plan);
  }

  findDocument(plan: BookingPlan, ctx: TargetContext): Promise<DocumentRef | null> {
    return this.real.findDocument(plan, { ...ctx, dryRun: true });
  }

  /** Never writes. After an uncertain earlier write the document is looked up (a read) as a real run would. */
  async bookDocument(
    plan: BookingPlan,
    opts: { mayExist: boolean; original: DocumentRef | null },
    ctx: TargetContext,
  ): Promise<DocumentRef> {
    if (opts.mayExist) {
      const found = await this.real.findDocument(plan, { ...ctx, dryRun: true });
      if (found) return { ...found, recovered: true };
    }
    return wouldBook();
  }

  callStats(): Record<string, number> {
    return this.real.callStats();
  }
}
