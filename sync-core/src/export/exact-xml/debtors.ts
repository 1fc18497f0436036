/**
 * The debtors (topic `Accounts`) an Exact XML export needs, and the code each sales entry names
 * its debtor by. The API path finds a customer by e-mail and lets Exact number new accounts; a
 * file has to name the account by code, so a customer's code is derived from the normalised
 * e-mail: the same customer gets the same code in every export.
 */
import { createHash } from 'node:crypto';
import { ShopbooksError } from '../../model/errors';
import type { BookingPlan } from '../../plan/types';
import type { ExactTargetConfig } from '../../targets/exact/config';
import { buildAccountBody, type CreateAccountBody } from '../../targets/exact/createAccount';
import { customerChoice } from '../../targets/exact/master-data';

/** Codes of exported customers: "9" followed by 11 digits (Exact account codes are numeric strings of up to 18 characters). */
export function debtorCodeFor(normalisedEmail: string): string {
  const h = createHash('sha256').update(normalisedEmail).digest();
  return `9${(h.readBigUInt64BE(0) % 100_000_000_000n).toString().padStart(11, '0')}`;
}

/** The debtor of one document: its code, and the account data when the export has to create it. */
export interface Debtor {
  code: string;
  /** null for the collective debtor, which already exists in the administration. */
  account: CreateAccountBody | null;
  email: string | null;
}

/** The same rule as the API path (`customerChoice`), with a derived code instead of an API lookup. */
export function debtorFor(config: ExactTargetConfig, plan: BookingPlan): Debtor {
  const choice = customerChoice(config, plan);
  if (choice.kind === 'collective') return { code: choice.code, account: null, email: null };
  return { code: debtorCodeFor(choice.email), account: buildAccountBody(plan.customer, choice.email), email: choice.email };
}

/** Collects the accounts of a file; two e-mails that would share a code are refused, never merged. */
export class DebtorList {
  private byCode = new Map<string, { email: string; account: CreateAccountBody }>();

  add(d: Debtor, reference: string): void {
    if (!d.account || !d.email) return;
    const seen = this.byCode.get(d.code);
    if (seen && seen.email !== d.email) {
      throw new ShopbooksError('ConfigInvalid', `${reference}: the customer ${d.email} would get debtor code ${d.code}, which ${seen.email} already has in this file. Export this document through the API instead.`, { retryable: false });
    }
    if (!seen) this.byCode.set(d.code, { email: d.email, account: d.account });
  }

  /** The accounts in code order. */
  list(): Array<{ code: string; account: CreateAccountBody }> {
    return [...this.byCode.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([code, v]) => ({ code, account: v.account }));
  }
}
