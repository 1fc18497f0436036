import { inflateSync } from 'node:zlib';
import { PDFDocument } from 'pdf-lib';
import { renderInvoicePdf } from './invoice-pdf';
import type { BookingPlan } from '../plan/types';

/** The text a PDF draws: every stream inflated, every hex string `<…>` decoded. */
function drawnText(data: Uint8Array): string {
  const raw = Buffer.from(data).toString('latin1');
  const out: string[] = [];
  const re = /stream\r?\n([\s\S]*?)\r?\nendstream/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    let body = m[1];
    try {
      body = inflateSync(Buffer.from(m[1], 'latin1')).toString('latin1');
    } catch {
      // not compressed
    }
    for (const h of body.matchAll(/<([0-9A-Fa-f]+)>\s*Tj/g)) out.push(Buffer.from(h[1], 'hex').toString('latin1'));
    for (const t of body.matchAll(/\(((?:[^()\\]|\\.)*)\)\s*Tj/g)) out.push(t[1]);
  }
  return out.join('\n');
}

const plan = {
  kind: 'order',
  platform: 'woocommerce',
  shopId: 'shop.example',
  orderId: '1001',
  orderNumber: '1001',
  refundId: null,
  reference: 'WEB-1001',
  originalReference: null,
  date: '2026-03-02',
  currency: 'EUR',
  pricesIncludeTax: false,
  customer: { shopCustomerId: null, email: 'jan@example.nl', firstName: 'Jan', lastName: 'Jansen – de Vries', company: '', phone: '', vatNumber: '', billing: { line1: 'Dorpsstraat 1', line2: '', postcode: '1234 AB', city: 'Utrecht', state: '', country: 'NL' }, shipping: null },
  customerKey: 'jan@example.nl',
  description: 'Order 1001',
  lines: [
    { role: 'revenue', description: 'T-shirt “Zomer” ✓', sku: 'TS-1', quantity: '2', net: '41.32', vat: '8.68', vatSource: 'shop', vatInfo: { key: 'domestic:21', treatment: 'domestic', percent: '21', country: 'NL', shopRateId: '1' }, shopLineId: '1' },
    { role: 'revenue', description: 'Boek', sku: 'B-1', quantity: '1', net: '10.00', vat: '0.90', vatSource: 'shop', vatInfo: { key: 'domestic:9', treatment: 'domestic', percent: '9', country: 'NL', shopRateId: '2' }, shopLineId: '2' },
  ],
  vatByRate: [
    { key: 'domestic:21', vatInfo: { key: 'domestic:21', treatment: 'domestic', percent: '21', country: 'NL', shopRateId: '1' }, base: '41.32', vat: '8.68' },
    { key: 'domestic:9', vatInfo: { key: 'domestic:9', treatment: 'domestic', percent: '9', country: 'NL', shopRateId: '2' }, base: '10.00', vat: '0.90' },
  ],
  totals: { net: '51.32', vat: '9.58', gross: '60.90' },
  shop: { gross: '60.90', vat: '9.58' },
  roundingTotal: '0.00',
  paid: true,
  paidAt: '2026-03-02T10:00:00Z',
  paymentMethod: 'mollie_wc_gateway_ideal',
  contentHash: 'x',
} as unknown as BookingPlan;

describe('the plain invoice PDF rendered from the booked plan', () => {
  it('is a valid PDF with the shop, the order, every line, VAT per rate and the totals of the plan', async () => {
    const pdf = await renderInvoicePdf(plan, { name: 'Webwinkel B.V.', address: ['Voorbeeldstraat 1', '1234 AB Amsterdam'], vatNumber: 'NL000099998B57' });
    expect(pdf.filename).toBe('WEB-1001.pdf');
    expect(Buffer.from(pdf.data.subarray(0, 5)).toString()).toBe('%PDF-');
    const doc = await PDFDocument.load(pdf.data);
    expect(doc.getTitle()).toBe('Invoice WEB-1001');
    const text = drawnText(pdf.data);
    for (const s of ['Webwinkel B.V.', 'Voorbeeldstraat 1', 'VAT NL000099998B57', 'Invoice WEB-1001', 'Order 1001', 'Jan Jansen - de Vries', 'T-shirt "Zomer" ?', '41.32', '8.68', '50.00', 'Boek', '10.90', 'base 41.32', 'VAT 8.68', 'base 10.00', 'VAT 0.90', 'Total excl. VAT', '51.32', '9.58', 'Total EUR', '60.90']) {
      expect(text).toContain(s);
    }
  });

  it('titles credit notes as such and names the invoice they credit', async () => {
    const credit = { ...plan, kind: 'refund', reference: 'WEB-1001-R7', originalReference: 'WEB-1001', totals: { net: '-10.00', vat: '-0.90', gross: '-10.90' } } as BookingPlan;
    const pdf = await renderInvoicePdf(credit, { name: 'Webwinkel B.V.', address: [] });
    const text = drawnText(pdf.data);
    expect(text).toContain('Credit invoice (refund) WEB-1001-R7');
    expect(text).toContain('Credits WEB-1001');
    expect(text).toContain('-10.90');
  });
});
