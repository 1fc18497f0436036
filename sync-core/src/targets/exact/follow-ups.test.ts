import { ShopbooksError } from '../../model/errors';
import { createExactTarget } from './index';
import { checkAttachmentSize, maxAttachmentBytes } from './createDocumentAttachment';
import { journalCodeFor, paymentChannel } from './paymentJournal';
import { ExactPayments } from './config';
import { attachMoneybirdPdf, MAX_ATTACHMENT_BYTES } from '../moneybird/attach-pdf';
import type { MoneybirdTransport } from '../moneybird/transport';
import type { BookingPlan } from '../../plan/types';
import { documentAttachmentHandler } from '../../sandbox/exact/handlers-attachments';
import { newDivision } from '../../sandbox/exact/store';

const base = { clientId: 'c', clientSecret: 's', redirectUri: 'http://x/cb', division: 1, glAccounts: { revenue: '8000' } };

describe('Exact payments: journal per payment method', () => {
  it.each([
    ['mollie_wc_gateway_ideal', 'ideal'],
    ['Mollie', 'ideal'],
    ['ideal', 'ideal'],
    ['ppcp-gateway', 'paypal'],
    ['paypal', 'paypal'],
    ['stripe_cc', 'stripe'],
    ['bacs', 'other'],
    ['', 'other'],
  ])('%s -> %s', (method, channel) => {
    expect(paymentChannel(method)).toBe(channel);
  });

  it('falls back to the "other" journal; payments need one', () => {
    const p = ExactPayments.parse({ register: true, journals: { paypal: '21', other: '20' } });
    expect(journalCodeFor(p, 'ppcp-gateway')).toBe('21');
    expect(journalCodeFor(p, 'stripe')).toBe('20');
    expect(() => createExactTarget({ ...base, payments: { register: true, journals: { ideal: '22' } } })).toThrow(/payments\.journals\.other/);
  });

  it('is off by default: the target offers no bookPayment', () => {
    expect(createExactTarget(base).bookPayment).toBeUndefined();
    expect(typeof createExactTarget({ ...base, payments: { register: true, journals: { other: '20' } } }).bookPayment).toBe('function');
  });
});

describe('attachment size limits', () => {
  it('Exact: 38 MB per request in NL/BE, 9.5 MB elsewhere; base64 leaves ~3/4 of that for the file', () => {
    expect(maxAttachmentBytes('nl')).toBeGreaterThan(28 * 1024 * 1024);
    expect(maxAttachmentBytes('nl')).toBeLessThan(28.5 * 1024 * 1024);
    expect(maxAttachmentBytes('de')).toBeLessThan(7.2 * 1024 * 1024);
    expect(() => checkAttachmentSize(maxAttachmentBytes('de'), 'de', 'WEB-1')).not.toThrow();
    let err: unknown;
    try {
      checkAttachmentSize(maxAttachmentBytes('de') + 1, 'de', 'WEB-1');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ShopbooksError);
    expect((err as ShopbooksError).code).toBe('AttachmentTooLarge');
    expect((err as ShopbooksError).message).toMatch(/The PDF for WEB-1 is 7\.\d MB; Exact Online accepts at most 7\.\d MB per file/);
  });

  it('Moneybird: a PDF above the limit is refused before any request', async () => {
    const none = new Proxy({}, { get: () => { throw new Error('no request expected'); } }) as unknown as MoneybirdTransport;
    const plan = { reference: 'WEB-2' } as BookingPlan;
    await expect(attachMoneybirdPdf(none, 'ExternalSalesInvoice', { document: { id: '1', type: 'SalesInvoice(moneybird)', number: null, url: null, customerId: null, recovered: false }, plan, reference: 'WEB-2-PDF', pdf: { filename: 'a.pdf', data: new Uint8Array(MAX_ATTACHMENT_BYTES + 1) } }, { store: null as never, dryRun: false, log: () => undefined })).rejects.toMatchObject({ code: 'AttachmentTooLarge' });
  });

  it('the Exact simulator refuses attachments above its limit', () => {
    const div = newDivision(1, 'x');
    div.documents.push({ ID: '00000000-0000-0000-0000-0000000000d1' });
    const h = documentAttachmentHandler(10);
    const c = { div, now: 0 };
    expect(() => h.create!(c, { Document: '00000000-0000-0000-0000-0000000000d1', FileName: 'a.pdf', Attachment: Buffer.alloc(11).toString('base64') })).toThrow(/Ongeldig: Attachment/);
    expect(h.create!(c, { Document: '00000000-0000-0000-0000-0000000000d1', FileName: 'a.pdf', Attachment: Buffer.alloc(10).toString('base64') }).FileSize).toBe('10');
  });
});
