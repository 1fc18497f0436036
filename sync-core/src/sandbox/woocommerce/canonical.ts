/**
 * Generated records straight to canonical Orders (through the real REST serialiser and the real
 * WooCommerce mapping), for plan/ tests that do not need HTTP.
 */
import type { SourceOrder } from '../../sources/port';
import { mapWooOrder } from '../../sources/woocommerce/map-order';
import { type GenerateOptions, generateShop } from './generate';
import { restOrder, restRefund } from './rest';
import type { WcTaxRate } from './tax-rates';
import { DEFAULT_SHOP_SETTINGS, type WcOrderRecord, type WcShopSettings } from './types';

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
