/**
 * Errors are values with a stable code and a message a shop owner understands.
 * `details` holds machine-readable context (never secrets).
 */
export type ErrorCode =
  // bad input in the shop's order (invariant 6)
  | 'CustomerEmailMissing'
  | 'CustomerEmailInvalid'
  | 'UnknownVatRate'
  | 'MultipleVatRatesOnLine'
  | 'NegativeQuantity'
  | 'CurrencyMismatch'
  | 'CurrencyNotInAdministration'
  | 'MalformedNumber'
  | 'MalformedOrder'
  | 'ZeroTotalOrder'
  | 'FullyDiscountedOrder'
  | 'RefundExceedsOrder'
  | 'TotalsDoNotReconcile'
  | 'AbsurdAmount'
  | 'NameTooLong'
  | 'DuplicateOrderNumber'
  | 'DuplicateReference'
  | 'VatNumberMissing'
  /** The reference is carried by another shop's document in the same administration (no prefix). */
  | 'ReferenceTakenByAnotherDocument'
  | 'AttachmentTooLarge'
  // a follow-up (payment) that has to wait for a step in the books (a draft invoice to be processed)
  | 'WaitingForBooks'
  /** `shopbooks rebook` for an order with no booked document, or one the shop has not changed. */
  | 'NothingToRebook'
  // configuration
  | 'VatCodeNotMapped'
  | 'GlAccountNotMapped'
  | 'ConfigInvalid'
  // remote systems
  | 'AuthFailed'
  | 'TokenRevoked'
  | 'RateLimited'
  | 'RemoteValidation'
  | 'RemoteUnavailable'
  | 'RemoteNotFound'
  | 'RemoteBadResponse'
  | 'Timeout'
  // sync state
  | 'ClaimLost'
  | 'Internal';

export class ShopbooksError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;
  /** True when retrying later may succeed (network, 5xx, rate limits); false for bad data. */
  readonly retryable: boolean;
  /** The remote system's own text, verbatim (e.g. Exact's Dutch message), when there is one. */
  readonly remoteMessage?: string;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { details?: Record<string, unknown>; retryable?: boolean; remoteMessage?: string; cause?: unknown } = {},
  ) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = code;
    this.code = code;
    this.details = opts.details ?? {};
    this.retryable = opts.retryable ?? false;
    this.remoteMessage = opts.remoteMessage;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.remoteMessage ? { remoteMessage: this.remoteMessage } : {}),
      ...(Object.keys(this.details).length ? { details: this.details } : {}),
    };
  }
}

export type Result<T, E = ShopbooksError> = { ok: true; value: T } | { ok: false; error: E };
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });

export function asShopbooksError(e: unknown): ShopbooksError {
  if (e instanceof ShopbooksError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new ShopbooksError('Internal', `Unexpected error: ${message}`, { retryable: true, cause: e });
}
