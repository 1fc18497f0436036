/**
 * A plain invoice PDF rendered from the booked plan (pdf-lib, MIT): the shop's name and address,
 * the customer, the order number and reference, one row per line, VAT per rate and the totals,
 * all from the plan, so the PDF always shows what was booked to the cent. Used when the shop has
 * no invoice PDF of its own (or attaching the shop's is not configured).
 */
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { dec, fixed } from '../model/money';
import type { BookingPlan } from '../plan/types';
import type { InvoicePdf } from '../targets/port';

export interface ShopIdentity {
  name: string;
  /** Address lines as printed under the name. */
  address: string[];
  vatNumber?: string;
}

/** The standard fonts only encode WinAnsi: replace what they cannot print instead of failing. */
function printable(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/[^\x20-\x7e\xa0-\xff€]/g, '?');
}

function title(plan: BookingPlan): string {
  if (plan.kind === 'refund') return 'Credit invoice (refund)';
  if (plan.kind === 'cancellation') return 'Credit invoice (cancellation)';
  return 'Invoice';
}

export function invoicePdfFilename(plan: BookingPlan): string {
  return `${plan.reference.replace(/[^A-Za-z0-9._-]+/g, '_')}.pdf`;
}

export async function renderInvoicePdf(plan: BookingPlan, shop: ShopIdentity): Promise<InvoicePdf> {
  const doc = await PDFDocument.create();
  doc.setTitle(`${title(plan)} ${plan.reference}`);
  doc.setProducer('Shopbooks');
  doc.setCreationDate(new Date(`${plan.date}T00:00:00Z`));
  doc.setModificationDate(new Date(`${plan.date}T00:00:00Z`));
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  let page: PDFPage = doc.addPage([595.28, 841.89]);
  let y = 800;
  const left = 50;
  const right = 545;
  const text = (s: string, x: number, f: PDFFont = font, size = 10) => page.drawText(printable(s), { x, y, size, font: f, color: rgb(0, 0, 0) });
  const rightText = (s: string, x: number, f: PDFFont = font, size = 10) => {
    const p = printable(s);
    page.drawText(p, { x: x - f.widthOfTextAtSize(p, size), y, size, font: f });
  };
  const newline = (h = 14) => {
    y -= h;
    if (y < 60) {
      page = doc.addPage([595.28, 841.89]);
      y = 800;
    }
  };

  text(shop.name, left, bold, 14);
  newline(18);
  for (const l of shop.address.filter(Boolean)) {
    text(l, left);
    newline();
  }
  if (shop.vatNumber) {
    text(`VAT ${shop.vatNumber}`, left);
    newline();
  }
  newline(10);
  text(`${title(plan)} ${plan.reference}`, left, bold, 16);
  newline(22);
  text(`Order ${plan.orderNumber}`, left);
  rightText(`Date ${plan.date}`, right);
  newline();
  if (plan.originalReference && plan.kind !== 'order') {
    text(`Credits ${plan.originalReference}`, left);
    newline();
  }
  newline(6);
  const c = plan.customer;
  const name = [c.firstName, c.lastName].filter(Boolean).join(' ');
  for (const l of [c.company, name, c.billing.line1, c.billing.line2, [c.billing.postcode, c.billing.city].filter(Boolean).join(' '), c.billing.country, c.vatNumber ? `VAT ${c.vatNumber}` : '', c.email].filter(Boolean)) {
    text(l, left);
    newline();
  }
  newline(10);

  const cols = { qty: 330, net: 400, vatPct: 450, vat: 490, gross: right };
  text('Description', left, bold);
  rightText('Qty', cols.qty, bold);
  rightText('Net', cols.net, bold);
  rightText('VAT %', cols.vatPct, bold);
  rightText('VAT', cols.vat, bold);
  rightText('Total', cols.gross, bold);
  newline(6);
  page.drawLine({ start: { x: left, y }, end: { x: right, y }, thickness: 0.5 });
  newline(12);
  for (const l of plan.lines) {
    const desc = printable(l.description || l.role);
    let cut = desc;
    while (cut.length > 3 && font.widthOfTextAtSize(cut, 10) > cols.qty - left - 40) cut = cut.slice(0, -1);
    text(cut === desc ? desc : `${cut.slice(0, -1)}...`, left);
    rightText(l.quantity, cols.qty);
    rightText(fixed(l.net), cols.net);
    rightText(`${l.vatInfo.percent}%`, cols.vatPct);
    rightText(fixed(l.vat), cols.vat);
    rightText(fixed(dec(l.net).plus(l.vat)), cols.gross);
    newline();
  }
  page.drawLine({ start: { x: left, y: y + 8 }, end: { x: right, y: y + 8 }, thickness: 0.5 });
  newline(6);
  text('VAT per rate', left, bold);
  newline();
  for (const v of plan.vatByRate) {
    text(`${v.vatInfo.percent}% ${v.vatInfo.treatment === 'domestic' ? '' : `(${v.vatInfo.treatment.replace('_', ' ')}${v.vatInfo.treatment === 'oss' ? ` ${v.vatInfo.country}` : ''})`}`.trim(), left);
    rightText(`base ${fixed(v.base)}`, cols.net + 40);
    rightText(`VAT ${fixed(v.vat)}`, cols.gross);
    newline();
  }
  newline(6);
  const totals: Array<[string, string]> = [
    ['Total excl. VAT', fixed(plan.totals.net)],
    ['VAT', fixed(plan.totals.vat)],
    [`Total ${plan.currency}`, fixed(plan.totals.gross)],
  ];
  for (const [label, amount] of totals) {
    text(label, cols.vatPct - 60, label.startsWith('Total ') && label !== 'Total excl. VAT' ? bold : font);
    rightText(amount, cols.gross, label.startsWith('Total ') && label !== 'Total excl. VAT' ? bold : font);
    newline();
  }
  if (plan.paid && plan.kind === 'order') {
    newline(6);
    text(`Paid${plan.paymentMethod ? ` (${plan.paymentMethod})` : ''}.`, left);
  }
  const data = await doc.save({ useObjectStreams: false });
  return { filename: invoicePdfFilename(plan), data };
}
