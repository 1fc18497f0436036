/** Every source reports the shop's clock from its simulator's HTTP Date header (issue 11 item 8). */
import { ShopClock } from './shop-clock';
import type { Source } from './port';
import { startWooCommerceSimulator } from '../sandbox/woocommerce';
import { startShopifySimulator } from '../sandbox/shopify';
import { startCcvShopSimulator } from '../sandbox/ccvshop';
import { createWooCommerceSource } from './woocommerce';
import { createShopifySource } from './shopify';
import { createCcvShopSource } from './ccvshop';

async function drain(src: Source): Promise<void> {
  for await (const page of src.listOrders({})) void page;
}
const nearNow = (iso: string | null | undefined) => iso !== null && iso !== undefined && Math.abs(Date.parse(iso) - Date.now()) < 60_000;

describe('the shop clock', () => {
  it('keeps the latest Date header it saw, in any case; ignores what is not a date', () => {
    const c = new ShopClock();
    expect(c.now()).toBeNull();
    c.note({ date: 'Tue, 03 Mar 2026 10:00:00 GMT' });
    c.note({ Date: 'Tue, 03 Mar 2026 09:00:00 GMT' });
    c.note({ date: 'soon' });
    expect(c.now()).toBe('2026-03-03T10:00:00.000Z');
  });

  it('WooCommerce, Shopify and CCV Shop sources report the Date their simulator sent', async () => {
    const woo = await startWooCommerceSimulator({ orderCount: 3 });
    const shopify = await startShopifySimulator({ bucketSize: 1000, restoreRate: 1000 });
    const ccv = await startCcvShopSimulator();
    try {
      const sources: Source[] = [
        createWooCommerceSource({ url: woo.url, ...woo.credentials, retryBaseMs: 5 }),
        createShopifySource({ shopDomain: shopify.shopDomain, baseUrl: shopify.url, accessToken: shopify.accessToken }),
        createCcvShopSource({ baseUrl: ccv.url, publicKey: ccv.publicKey, secretKey: ccv.secretKey }),
      ];
      for (const src of sources) {
        expect(src.shopTime?.()).toBeNull();
        await drain(src);
        expect(nearNow(src.shopTime?.())).toBe(true);
      }
    } finally {
      await Promise.all([woo.close(), shopify.close(), ccv.close()]);
    }
  });
});
