/**
 * Test glue: the simulator's generated records through its REST serialiser and then the product's
 * WooCommerce mapping, for tests that do not need HTTP. It lives beside the mapping it exercises,
 * not in the simulator: a simulator never derives its view with the client code it judges.
 */
import type { SourceOrder } from '../port';
import { mapWooOrder } from './map-order';
import { type GenerateOptions, generateShop } from '../../sandbox/woocommerce/generate';
import { restOrder, restRefund } from '../../sandbox/woocommerce/rest';
import type { WcTaxRate } from '../../sandbox/woocommerce/tax-rates';
import { DEFAULT_SHOP_SETTINGS, type WcOrderRecord, type WcShopSettings } from '../../sandbox/woocommerce/types';

export function wooRecordToOrder(
  record: WcOrderRecord,
  opts: { shopId?: string; settings?: WcShopSettings; taxRates: WcTaxRate[]; homeUrl?: string },
): SourceOrder {
  const ctx = { homeUrl: opts.homeUrl ?? 'https://shop.example', settings: opts.settings ?? DEFAULT_SHOP_SETTINGS };
  return mapWooOrder(restOrder(record, ctx), {
    shopId: opts.shopId ?? 'shop.example',
    refunds: record.refunds.map((r) => restRefund(r, ctx)),
    taxRates: opts.taxRates,
    roundTaxAtSubtotal: ctx.settings.roundAtSubtotal,
  });
}

/** generateShop + wooRecordToOrder for every order. */
export function generateCanonicalOrders(opts: GenerateOptions & { shopId?: string }): { records: WcOrderRecord[]; orders: SourceOrder[] } {
  const g = generateShop(opts);
  return { records: g.orders, orders: g.orders.map((r) => wooRecordToOrder(r, { shopId: opts.shopId, settings: g.settings, taxRates: g.taxRates })) };
}
