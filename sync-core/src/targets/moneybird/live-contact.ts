/**
 * A contact we remembered may have been deleted or merged in Moneybird since. A create that
 * Moneybird refuses for its contact id forgets the match, resolves the contact again and is
 * tried once more (never in collective mode: that contact is the shop owner's setting).
 */
import type { BookingPlan } from '../../plan/types';
import type { TargetContext } from '../port';
import { ShopbooksError } from '../../model/errors';
import type { MoneybirdConnection } from './connection';

/**
 * Moneybird's answer when a contact id is no longer valid: documented as a 400 with
 * `symbolic.…contact_id = "contact_invalid"` (external invoices); a 422 field error on
 * `contact_id` is accepted too.
 */
function contactRejected(body: string): boolean {
  return /contact_invalid/.test(body) || /"contact_id"\s*:\s*\[/.test(body);
}

export async function withLiveContact<T>(
  mb: MoneybirdConnection,
  plan: BookingPlan,
  ctx: TargetContext,
  contactId: string,
  create: (id: string) => Promise<T>,
): Promise<T> {
  try {
    return await create(contactId);
  } catch (e) {
    if (!(
      e instanceof ShopbooksError &&
      e.code === 'RemoteValidation' &&
      contactRejected(e.remoteMessage ?? '')
    ))
      throw e;
    if (mb.config.customerMode === 'collective') throw e;
    ctx.log('moneybird.contactGone', { reference: plan.reference, contactId });
    await mb.contacts.forget(plan, ctx.store);
    return create(await mb.contacts.resolve(plan, ctx.store));
  }
}
