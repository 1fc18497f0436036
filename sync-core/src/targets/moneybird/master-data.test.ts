import { parseMoneybirdConfig } from './config';
import { MoneybirdMasterData, parseVatKey, taxRateProblem } from './master-data';
import type { MasterData } from './master-data';
import { customerIdFor, contactBody } from './contacts';
import { handPlan } from './test/plans';

const rate = (
  id: string,
  percentage: string,
  type = 'sales_invoice',
  active = true,
  country: string | null = null,
) => ({ id, name: `${percentage}%`, percentage, tax_rate_type: type, active, country });

const data: MasterData = {
  administration: { id: '1', name: 'Shop BV', currency: 'EUR' },
  taxRates: [
    rate('21', '21.0'),
    rate('9', '9.0'),
    rate('0', '0.0'),
    rate('121', '21.0', 'purchase_invoice'),
    rate('109', '9.0', 'sales_invoice', false),
    rate('4919', '19.0', 'sales_invoice', true, 'DE'),
  ],
  ledgerAccounts: [
    {
      id: '800',
      name: 'Omzet',
      account_type: 'revenue',
      active: true,
      allowed_document_types: ['sales_invoice', 'external_sales_invoice'],
    },
    {
      id: '900',
      name: 'Kosten',
      account_type: 'expenses',
      active: true,
      allowed_document_types: ['purchase_invoice'],
    },
  ],
  workflows: [
    { id: '71', type: 'InvoiceWorkflow', name: 'Standaard', active: true, currency: 'EUR' },
    { id: '72', type: 'EstimateWorkflow', name: 'Offerte', active: true, currency: 'EUR' },
    { id: '73', type: 'InvoiceWorkflow', name: 'USD', active: true, currency: 'USD' },
  ],
  documentStyles: [{ id: '81', name: 'Huisstijl' }],
  financialAccounts: [],
};

const cfg = (extra: Record<string, unknown> = {}) =>
  parseMoneybirdConfig({
    auth: { kind: 'token', token: 't' },
    administrationId: '1',
    ledgerAccounts: { revenue: '800' },
    ...extra,
  });

describe('Moneybird master data', () => {
  it('parses VAT keys', () => {
    expect(parseVatKey('domestic:21')).toEqual({ treatment: 'domestic', percent: '21', country: null });
    expect(parseVatKey('oss:DE:19')).toEqual({ treatment: 'oss', percent: '19', country: 'DE' });
    expect(parseVatKey('nonsense')).toBeNull();
  });

  it('validates each mapped rate: exists, active, sales, percentage, country', () => {
    const byId = new Map(data.taxRates.map((r) => [r.id, r]));
    expect(taxRateProblem('domestic:21', byId.get('21'), '21')).toBeNull();
    expect(taxRateProblem('domestic:21', byId.get('121'), '121')).toMatch(/purchase invoice rate/);
    expect(taxRateProblem('domestic:9', byId.get('109'), '109')).toMatch(/not active/);
    expect(taxRateProblem('domestic:9', byId.get('21'), '21')).toMatch(/is 21 %, but domestic:9 needs 9 %/);
    expect(taxRateProblem('oss:FR:19', byId.get('4919'), '4919')).toMatch(/is for DE/);
    expect(taxRateProblem('domestic:21', undefined, '77')).toMatch(/does not exist/);
  });

  it('reports configuration problems in words and resolves keys with the documented fallbacks', () => {
    const m = new MoneybirdMasterData(
      data,
      cfg({
        taxRateMap: { 'domestic:21': '21', 'domestic:9': '121', 'oss:DE:19': '4919' },
        ledgerAccounts: { revenue: '800', fees: '900' },
        workflowId: '72',
        documentStyleId: '999',
      }),
    );
    const keys = m.problems().map((p) => p.key);
    expect(keys).toEqual(['domestic:9', 'ledger:fees', 'workflowId', 'documentStyleId']);
    expect(m.taxRate('domestic:21').id).toBe('21');
    expect(m.taxRate('oss:DE:19').id).toBe('4919');
    expect(() => m.taxRate('domestic:9')).toThrow(expect.objectContaining({ code: 'VatCodeNotMapped' }));
    expect(() => m.taxRate('reverse_charge:0')).toThrow(/has no Moneybird tax rate/);
    expect(m.zeroRate?.id).toBe('0');
    expect([...m.currencies()].sort()).toEqual(['EUR', 'USD']);
    // defaultTaxRateId only stands in when its percentage fits
    const d = new MoneybirdMasterData(data, cfg({ defaultTaxRateId: '0' }));
    expect(d.taxRate('export:0').id).toBe('0');
    expect(() => d.taxRate('oss:FR:20')).toThrow(expect.objectContaining({ code: 'VatCodeNotMapped' }));
    // an unambiguous domestic rate is found without a mapping
    expect(d.taxRate('domestic:9').id).toBe('9');
  });
});

describe('Moneybird contacts (pure parts)', () => {
  it('derives a stable customer_id from the normalised e-mail', () => {
    const a = handPlan({
      reference: 'WC-1',
      email: 'Jan@Example.com ',
      lines: [{ net: '1.00', vat: '0.21', percent: '21' }],
    });
    const b = handPlan({
      reference: 'WC-2',
      email: 'jan@example.com',
      shopCustomerId: '77',
      lines: [{ net: '1.00', vat: '0.21', percent: '21' }],
    });
    a.customerKey = 'jan@example.com';
    expect(customerIdFor(a)).toBe(customerIdFor(b));
    expect(customerIdFor(a)).toMatch(/^SB-[0-9A-F]{16}$/);
    const c = handPlan({
      reference: 'WC-3',
      email: 'other@example.com',
      lines: [{ net: '1.00', vat: '0.21', percent: '21' }],
    });
    expect(customerIdFor(c)).not.toBe(customerIdFor(a));
  });

  it('sends names, address, e-mail for invoices and the VAT number; a nameless guest gets the e-mail as name', () => {
    const p = handPlan({
      reference: 'WC-1',
      company: 'ACME B.V.',
      lines: [{ net: '1.00', vat: '0.21', percent: '21' }],
    });
    p.customer.vatNumber = 'nl 123456789b01';
    expect(contactBody(p, 'SB-1')).toEqual({
      customer_id: 'SB-1',
      company_name: 'ACME B.V.',
      firstname: 'Jan',
      lastname: 'Jansen',
      address1: 'Hoofdstraat 1',
      zipcode: '1234 AB',
      city: 'Utrecht',
      country: 'NL',
      send_invoices_to_email: 'jan@example.com',
      tax_number: 'NL123456789B01',
    });
    const g = handPlan({
      reference: 'WC-2',
      firstName: '',
      lastName: '',
      lines: [{ net: '1.00', vat: '0.21', percent: '21' }],
    });
    expect(contactBody(g, 'SB-2').company_name).toBe('jan@example.com');
  });
});
