/**
 * Which journal a payment is booked in: the shop's payment method (WooCommerce gateway id,
 * Shopify gateway, CCV paymethod) named as a channel, the channel's journal code from the
 * settings (else `other`), and the journal's type in Exact: 10 cash -> CashEntries, 12 bank or
 * 16 payment service -> BankEntries (spec §5.3 Journals; entities CashEntries/BankEntries).
 */
import { ShopbooksError } from '../../model/errors';
import type { ExactPayments, PaymentChannel } from './config';
import { findJournal } from './findJournal';
import type { ExactTransport } from './transport';

export type PaymentEntity = 'CashEntries' | 'BankEntries';

export interface PaymentJournal {
  code: string;
  entity: PaymentEntity;
}

/** `mollie_wc_gateway_ideal` -> ideal, `ppcp-gateway` -> paypal, `stripe_cc` -> stripe, `bacs` -> other. */
export function paymentChannel(method: string): PaymentChannel {
  const m = method.toLowerCase();
  if (m.includes('ideal') || m.includes('mollie')) return 'ideal';
  if (m.includes('paypal') || m.includes('ppcp')) return 'paypal';
  if (m.includes('stripe')) return 'stripe';
  return 'other';
}

export function journalCodeFor(payments: ExactPayments, method: string): string {
  const code = payments.journals[paymentChannel(method)] ?? payments.journals.other;
  if (!code) throw new ShopbooksError('ConfigInvalid', `No payment journal is set for payment method "${method || 'unknown'}": set payments.journals.other in the Exact settings.`, { retryable: false });
  return code;
}

export async function resolvePaymentJournal(t: ExactTransport, code: string): Promise<PaymentJournal> {
  const j = await findJournal(t, code);
  if (!j) throw new ShopbooksError('ConfigInvalid', `The payment journal "${code}" does not exist in Exact: check the payment journals in the settings.`, { retryable: false, details: { journal: code } });
  if (j.IsBlocked) throw new ShopbooksError('ConfigInvalid', `The payment journal "${code}" is blocked in Exact.`, { retryable: false, details: { journal: code } });
  if (j.Type === 10) return { code: j.Code, entity: 'CashEntries' };
  if (j.Type === 12 || j.Type === 16) return { code: j.Code, entity: 'BankEntries' };
  throw new ShopbooksError('ConfigInvalid', `The payment journal "${code}" is not a cash, bank or payment-service journal in Exact (type ${j.Type ?? 'unknown'}); payments need one of those.`, { retryable: false, details: { journal: code, type: j.Type } });
}
