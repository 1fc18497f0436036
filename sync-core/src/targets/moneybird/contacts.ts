/**
 * Contacts: one Moneybird contact per shop customer, never two.
 *
 * Our stable key is Moneybird's `customer_id` field, derived deterministically:
 *   `SB-` + the first 16 hex digits (upper case) of SHA-256 over
 *     - the plan's `customerKey` (the normalised e-mail: trimmed, lower case) when there is one,
 *     - else `${platform}:${shopId}:customer:${shopCustomerId}`.
 * So a guest checkout and a registered account with the same e-mail share one contact, and the
 * same customer always maps to the same id across runs, reinstalls and machines.
 *
 * Lookup order: the run's cache -> the store mapping (`moneybird-contact`) -> GET
 * /contacts/customer_id/{id} -> e-mail search (`query`, exact e-mail match: contacts created by
 * hand or another integration) -> create. A match is remembered in the store.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { BookingPlan } from '../../plan/types';
import type { Store } from '../../store/port';
import { ShopbooksError } from '../../model/errors';
import type { MoneybirdTargetConfig } from './config';
import { Contact } from './schemas';
import type { MoneybirdTransport } from './transport';
import { isUncertainWrite } from './transport';

export const CONTACT_MAPPING = 'moneybird-contact';
/** Moneybird does not document a maximum; Rails string columns hold 255 characters. [unverified] */
export const MAX_NAME_LENGTH = 255;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function customerIdFor(
  plan: Pick<BookingPlan, 'customerKey' | 'customer' | 'platform' | 'shopId' | 'orderId'>,
): string {
  const email = normaliseEmail(plan.customerKey || plan.customer.email || '');
  const basis = email
    ? email
    : plan.customer.shopCustomerId
      ? `${plan.platform}:${plan.shopId}:customer:${plan.customer.shopCustomerId}`
      : `${plan.platform}:${plan.shopId}:order:${plan.orderId}`;
  return `SB-${createHash('sha256').update(basis).digest('hex').slice(0, 16).toUpperCase()}`;
}

/** The contact fields we send (Moneybird's create schema has no `email`: invoices go to `send_invoices_to_email`). */
export function contactBody(plan: BookingPlan, customerId: string): Record<string, string> {
  const c = plan.customer;
  const email = normaliseEmail(plan.customerKey || c.email);
  const body: Record<string, string> = { customer_id: customerId };
  if (c.company.trim()) body.company_name = c.company.trim();
  if (c.firstName.trim()) body.firstname = c.firstName.trim();
  if (c.lastName.trim()) body.lastname = c.lastName.trim();
  if (!body.company_name && !body.firstname && !body.lastname) {
    // Moneybird requires one of the three names; a guest with only an e-mail gets it as the name.
    body.company_name = email || `Customer ${customerId}`;
  }
  const a = c.billing;
  if (a.line1) body.address1 = a.line1;
  if (a.line2) body.address2 = a.line2;
  if (a.postcode) body.zipcode = a.postcode;
  if (a.city) body.city = a.city;
  if (a.country) body.country = a.country;
  if (c.phone) body.phone = c.phone;
  if (email) body.send_invoices_to_email = email;
  if (c.vatNumber) body.tax_number = c.vatNumber.replace(/\s+/g, '').toUpperCase();
  return body;
}

export class ContactResolver {
  private readonly cache = new Map<string, string>();
  created = 0;

  constructor(
    private readonly transport: MoneybirdTransport,
    private readonly config: MoneybirdTargetConfig,
  ) {}

  async resolve(plan: BookingPlan, store: Store): Promise<string> {
    if (this.config.customerMode === 'collective') return this.config.collectiveContactId as string;
    // Walk-in sales (POS) without an e-mail go to the collective contact when one is set.
    if (plan.customer.email.trim() === '' && this.config.collectiveContactId) return this.config.collectiveContactId;
    const customerId = customerIdFor(plan);
    const mappingKey = `${this.config.administrationId}:${customerId}`;
    const cached = this.cache.get(mappingKey);
    if (cached) return cached;
    const remember = async (id: string) => {
      this.cache.set(mappingKey, id);
      await store.setMapping(CONTACT_MAPPING, mappingKey, id);
      return id;
    };

    const mapped = await store.getMapping(CONTACT_MAPPING, mappingKey); // '' = forgotten
    if (mapped) {
      this.cache.set(mappingKey, mapped);
      return mapped;
    }
    // Two bookings for one new customer at once (same process or another worker) must not both
    // create a contact: look up and create under a lock, re-checking the mapping inside it.
    return store.withLock(`moneybird-contact:${mappingKey}`, async () => {
      const now = await store.getMapping(CONTACT_MAPPING, mappingKey);
      if (now) {
        this.cache.set(mappingKey, now);
        return now;
      }
      return this.lookUpOrCreate(plan, customerId, remember);
    });
  }

  /** The contact already matched for this plan's customer (no lookup, no create), or null. */
  async known(plan: BookingPlan, store: Store): Promise<string | null> {
    if (this.config.customerMode === 'collective') return this.config.collectiveContactId as string;
    if (plan.customer.email.trim() === '' && this.config.collectiveContactId) return this.config.collectiveContactId;
    const mappingKey = `${this.config.administrationId}:${customerIdFor(plan)}`;
    return this.cache.get(mappingKey) || (await store.getMapping(CONTACT_MAPPING, mappingKey)) || null;
  }

  private async lookUpOrCreate(
    plan: BookingPlan,
    customerId: string,
    remember: (id: string) => Promise<string>,
  ): Promise<string> {
    const byCustomerId = await this.findByCustomerId(customerId);
    if (byCustomerId) return remember(byCustomerId.id);

    const email = normaliseEmail(plan.customerKey || plan.customer.email);
    if (email) {
      const byEmail = await this.findByEmail(email);
      if (byEmail) return remember(byEmail.id);
    }

    try {
      const created = await this.transport.post('/contacts.json', {
        body: { contact: contactBody(plan, customerId) },
        schema: Contact,
        what: `create the contact for ${email || customerId}`,
      });
      this.created++;
      return remember(created.id);
    } catch (e) {
      if (isUncertainWrite(e)) {
        const again = await this.findByCustomerId(customerId);
        if (again) return remember(again.id);
      }
      throw e;
    }
  }

  /** Forget a remembered match (the contact was deleted or merged in Moneybird). */
  async forget(plan: BookingPlan, store: Store): Promise<void> {
    const mappingKey = `${this.config.administrationId}:${customerIdFor(plan)}`;
    this.cache.delete(mappingKey);
    await store.setMapping(CONTACT_MAPPING, mappingKey, '');
  }

  private async findByCustomerId(customerId: string): Promise<Contact | null> {
    try {
      return await this.transport.get(`/contacts/customer_id/${encodeURIComponent(customerId)}.json`, {
        schema: Contact,
        what: `look up contact ${customerId}`,
      });
    } catch (e) {
      if (e instanceof ShopbooksError && e.code === 'RemoteNotFound') return null;
      throw e;
    }
  }

  private async findByEmail(email: string): Promise<Contact | null> {
    const rows = await this.transport.get('/contacts.json', {
      query: { query: email, per_page: 100 },
      schema: z.array(Contact),
      what: `search contacts for ${email}`,
    });
    const same = rows.filter(
      (c) =>
        !c.archived &&
        [c.email, c.send_invoices_to_email].some(
          (e) => e && e.split(',').some((x) => normaliseEmail(x) === email),
        ),
    );
    // Prefer a contact no other integration has claimed with its own customer_id.
    return same.find((c) => !c.customer_id || /^\d+$/.test(c.customer_id)) ?? same[0] ?? null;
  }
}
