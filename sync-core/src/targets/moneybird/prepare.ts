/**
 * Before anything is booked: the administration's master data (tax rates, ledger accounts,
 * workflows, currencies) is loaded and the TaxRateMap checked (`prepareMoneybird`), and each plan
 * is checked against it (`validatePlan`) so an order that cannot be booked fails in words before
 * a single write.
 */
import type { BookingPlan } from '../../plan/types';
import type { TargetContext, VatMapProblem } from '../port';
import { ShopbooksError, asShopbooksError } from '../../model/errors';
import { buildInvoiceDetails, type MoneybirdConnection } from './connection';
import { MAX_NAME_LENGTH } from './contacts';
import { MoneybirdMasterData, loadMasterData } from './master-data';
import { Contact } from './schemas';

const MAX_REFERENCE_LENGTH = 255; // not documented by Moneybird [unverified]

export async function prepareMoneybird(
  mb: MoneybirdConnection,
  ctx: TargetContext,
): Promise<{ problems: VatMapProblem[] }> {
  const { config, transport: t } = mb;
  t.useStore(ctx.store);
  const master = new MoneybirdMasterData(await loadMasterData(t, config), config);
  mb.master = master;
  const problems = master.problems();
  if (config.customerMode === 'collective' && config.collectiveContactId) {
    try {
      await t.get(`/contacts/${config.collectiveContactId}.json`, {
        schema: Contact,
        what: 'read the collective contact',
      });
    } catch (e) {
      if (!(e instanceof ShopbooksError && e.code === 'RemoteNotFound')) throw e;
      problems.push({
        key: 'collectiveContactId',
        message: `The collective contact ${config.collectiveContactId} does not exist in this administration.`,
      });
    }
  }
  ctx.log('moneybird.prepared', {
    administration: master.data.administration.name,
    taxRates: master.data.taxRates.length,
    problems: problems.length,
  });
  return { problems };
}

/** The master data, loaded on first use when the engine did not call `prepare`. */
export async function ensurePrepared(
  mb: MoneybirdConnection,
  ctx: TargetContext,
): Promise<MoneybirdMasterData> {
  mb.transport.useStore(ctx.store);
  if (!mb.master) await prepareMoneybird(mb, ctx);
  return mb.master as MoneybirdMasterData;
}

export async function validatePlan(
  mb: MoneybirdConnection,
  plan: BookingPlan,
): Promise<{ ok: true } | { ok: false; error: ShopbooksError }> {
  const { config, master } = mb;
  try {
    if (!master)
      throw new ShopbooksError('Internal', 'The Moneybird target was not prepared (call prepare first).', {
        retryable: true,
      });
    if (!plan.lines.length)
      throw new ShopbooksError('MalformedOrder', `Order ${plan.orderNumber} has no lines to book.`, {
        retryable: false,
      });
    if (!master.currencies().has(plan.currency)) {
      throw new ShopbooksError(
        'CurrencyNotInAdministration',
        `Order ${plan.orderNumber} is in ${plan.currency}, but the Moneybird administration "${master.data.administration.name}" books in ${[...master.currencies()].join(', ')}. Add a workflow for ${plan.currency} in Moneybird or leave this order out.`,
        { retryable: false, details: { currency: plan.currency } },
      );
    }
    if (!plan.reference || plan.reference.length > MAX_REFERENCE_LENGTH) {
      throw new ShopbooksError(
        'MalformedOrder',
        `Order ${plan.orderNumber} has no usable reference (empty or longer than ${MAX_REFERENCE_LENGTH} characters).`,
        { retryable: false },
      );
    }
    if (config.customerMode === 'per-customer') {
      const c = plan.customer;
      for (const [label, value] of [
        ['company name', c.company],
        ['first name', c.firstName],
        ['last name', c.lastName],
      ] as const) {
        if (value.trim().length > MAX_NAME_LENGTH) {
          throw new ShopbooksError(
            'NameTooLong',
            `The customer's ${label} on order ${plan.orderNumber} is ${value.trim().length} characters; Moneybird accepts at most ${MAX_NAME_LENGTH}.`,
            {
              retryable: false,
              details: { field: label },
            },
          );
        }
      }
    }
    buildInvoiceDetails(mb, plan, master); // VAT mapping, consistency and the cent check
    return { ok: true };
  } catch (e) {
    return { ok: false, error: asShopbooksError(e) };
  }
}
