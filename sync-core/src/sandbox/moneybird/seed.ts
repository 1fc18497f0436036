/**
 * The seeded administration (must-have 3): NL, EUR, Europe/Amsterdam, a default InvoiceWorkflow
 * (due in 14 days, prices excl. tax), a default document style with its identity, ledger accounts
 * with a default revenue account, tax rates 21/9/0 % for both sales_invoice and purchase_invoice
 * plus configurable foreign/OSS rates, financial accounts and custom fields. Values follow the
 * shapes of the official OpenAPI examples; ids are generated.
 */
import type { IdGenerator } from './format';
import { isoTimestamp } from './format';

export interface AdministrationSeed {
  id?: string;
  name?: string;
  language?: 'nl' | 'nl-be' | 'en';
  currency?: string;
  country?: string;
  timeZone?: string;
  access?: 'user' | 'accountant_company';
  /** Extra (foreign / OSS) sales tax rates, e.g. `{ country: 'DE', percentage: '19.0' }`. */
  foreignTaxRates?: Array<{ country: string; percentage: string; name?: string; taxReportReference?: string[] }>;
  /** Free-plan style limit: creating more sales invoices than this per month answers 402. */
  salesInvoicesPerMonthLimit?: number;
  /** Give the identity no e-mail address (to reproduce the need_identity_email 422 on sending). */
  identityWithoutEmail?: boolean;
}

export type Json = Record<string, unknown>;

export interface TaxRateRecord extends Json {
  id: string;
  administration_id: string;
  name: string;
  percentage: string;
  tax_rate_type: 'sales_invoice' | 'purchase_invoice' | 'general_journal_document';
  show_tax: boolean;
  active: boolean;
  country: string | null;
  created_at: string;
  updated_at: string;
}

export interface SeededMasterData {
  administration: Json & { id: string; currency: string; country: string; time_zone: string; language: string };
  taxRates: TaxRateRecord[];
  /** Internal: tax_report_reference per tax rate id (not part of the tax rate resource). */
  taxReportReference: Map<string, string[]>;
  ledgerAccounts: Json[];
  defaultRevenueLedgerAccountId: string;
  /** Booking account of payments registered without a financial account ("Betaalde en/of ontvangen"). */
  paymentsLedgerAccountId: string;
  settlementsLedgerAccountId: string;
  uncollectibleLedgerAccountId: string;
  workflows: Json[];
  documentStyles: Json[];
  identities: Json[];
  financialAccounts: Json[];
  customFields: Json[];
  userId: string;
}

export function seedAdministration(seed: AdministrationSeed, ids: IdGenerator, nowMs: number): SeededMasterData {
  const adminId = seed.id ?? ids.id();
  const at = isoTimestamp(nowMs);
  const base = { administration_id: adminId };
  const country = seed.country ?? 'NL';
  const currency = seed.currency ?? 'EUR';
  const language = seed.language ?? 'nl';
  const administration = {
    id: adminId,
    name: seed.name ?? 'Shopbooks Sandbox B.V.',
    language,
    currency,
    country,
    time_zone: seed.timeZone ?? 'Europe/Amsterdam',
    access: seed.access ?? 'user',
    suspended: false,
    period_locked_until: null,
    period_start_date: `${new Date(nowMs).getUTCFullYear()}-01-01`,
  };

  const taxReportReference = new Map<string, string[]>();
  const taxRates: TaxRateRecord[] = [];
  const rate = (name: string, percentage: string, type: TaxRateRecord['tax_rate_type'], rateCountry: string | null, report: string[]) => {
    const r: TaxRateRecord = {
      id: ids.id(),
      ...base,
      name,
      percentage,
      tax_rate_type: type,
      show_tax: true,
      active: true,
      country: rateCountry,
      created_at: at,
      updated_at: at,
    };
    taxRates.push(r);
    taxReportReference.set(r.id, report);
    return r;
  };
  rate('21% btw', '21.0', 'sales_invoice', null, ['NL/1a']);
  rate('9% btw', '9.0', 'sales_invoice', null, ['NL/1b']);
  rate('0% btw', '0.0', 'sales_invoice', null, ['NL/1e']);
  rate('21% btw', '21.0', 'purchase_invoice', null, ['NL/5b']);
  rate('9% btw', '9.0', 'purchase_invoice', null, ['NL/5b']);
  rate('0% btw', '0.0', 'purchase_invoice', null, []);
  rate('Btw verlegd', '0.0', 'sales_invoice', null, ['NL/1e']);
  rate('0% btw intracommunautair', '0.0', 'sales_invoice', null, ['NL/3b']);
  rate('0% btw export buiten de EU', '0.0', 'sales_invoice', null, ['NL/3a']);
  for (const f of seed.foreignTaxRates ?? []) {
    rate(f.name ?? `${f.percentage.replace(/\.0$/, '')}% ${f.country} OSS`, f.percentage, 'sales_invoice', f.country, f.taxReportReference ?? ['NL/3c']);
  }

  const ledger = (name: string, account_type: string, account_id: string, allowed: string[], code: string, english: string) => ({
    id: ids.id(),
    ...base,
    name,
    account_type,
    account_id,
    parent_id: null,
    active: true,
    created_at: at,
    updated_at: at,
    allowed_document_types: allowed,
    taxonomy_item: { taxonomy_version: '3.5', code, name, name_english: english, reference: '0' },
    financial_account_id: null,
  });
  const revenue = ledger('Omzet', 'revenue', '80001', ['sales_invoice', 'financial_mutation', 'general_journal_document'], 'WOmzNopOlv', 'Revenue');
  const shipping = ledger('Verzendkosten', 'revenue', '80002', ['sales_invoice', 'financial_mutation', 'general_journal_document'], 'WOmzNopOdv', 'Shipping revenue');
  const paymentsAccount = ledger('Betaalde en/of ontvangen', 'current_assets', '10301', ['financial_mutation', 'general_journal_document'], 'BLimKasKas', 'Received payments');
  const settlements = ledger('Verrekeningen', 'current_liabilities', '16301', ['financial_mutation', 'general_journal_document'], 'BSchOvsOvs', 'Settlements');
  const uncollectible = ledger('Oninbare vorderingen', 'expenses', '46901', ['general_journal_document'], 'WBedAlkDub', 'Uncollectible receivables');
  const ledgerAccounts = [
    ledger('Algemene kosten', 'expenses', '46801.01', ['purchase_invoice', 'financial_mutation', 'general_journal_document'], 'WBedAlkOal', 'General expenses'),
    ledger('Btw', 'current_liabilities', '16221.02', ['financial_mutation', 'general_journal_document'], 'BSchBepBtwOvm', 'Other VAT adjustments'),
    ledger('Debiteuren', 'current_assets', '13011', ['financial_mutation', 'general_journal_document'], 'BVorDebHad', 'Trade debtors'),
    ledger('Crediteuren', 'current_liabilities', '16011', ['financial_mutation', 'general_journal_document'], 'BSchCreHac', 'Trade creditors'),
    revenue,
    shipping,
    paymentsAccount,
    settlements,
    uncollectible,
  ];

  const identity = {
    id: ids.id(),
    ...base,
    company_name: administration.name,
    city: 'Amsterdam',
    country,
    zipcode: '1012AB',
    address1: 'Damrak 1',
    address2: null,
    email: seed.identityWithoutEmail ? null : 'info@shopbooks.example',
    phone: null,
    bank_account_name: administration.name,
    bank_account_number: 'NL91ABNA0417164300',
    bank_account_bic: 'ABNANL2A',
    custom_fields: [],
    updated_at: at,
    created_at: at,
    chamber_of_commerce: '12345678',
    tax_number: 'NL123456789B01',
  };
  const step = (order: number, due: number, text: string | null) => ({
    id: ids.id(),
    ...base,
    step_order: order,
    due_interval: due,
    reminder_delay: 0,
    reminder_text: text,
    reminder_auto_send: false,
    action: null,
    created_at: at,
    updated_at: at,
  });
  const workflow = (type: string, name: string, isDefault: boolean, inclTax: boolean) => ({
    id: ids.id(),
    ...base,
    type,
    name,
    default: isDefault,
    currency,
    language,
    active: true,
    prices_are_incl_tax: inclTax,
    payment_methods: [],
    collection_method: null,
    number_of_collections: 0,
    show_qr_code: true,
    created_at: at,
    updated_at: at,
    steps: [step(0, 14, null), step(1, 10, 'Geachte {recipient.name}, uit onze administratie blijkt dat u de onderstaande facturen nog niet voldaan heeft.')],
  });
  const workflows = [
    workflow('InvoiceWorkflow', 'Standaard', true, false),
    workflow('InvoiceWorkflow', 'Webshop (prijzen incl. btw)', false, true),
    workflow('EstimateWorkflow', 'Standaard', true, false),
  ];
  const addressBlock = [{ field: 'company_name', bold: true }, { field: 'address' }, { field: 'email' }];
  const documentStyles = [
    {
      id: ids.id(),
      ...base,
      name: 'Standaard',
      identity_id: identity.id,
      default: true,
      logo_hash: null,
      logo_container_full_width: false,
      logo_display_width: 50,
      logo_position: 'right',
      background_hash: null,
      paper_size: 'A4',
      address_position: 'left',
      font_size: 9,
      font_family: 'lucida_grande',
      print_on_stationery: false,
      custom_css: null,
      invoice_sender_address: addressBlock,
      invoice_metadata_left: [{ field: 'reference' }],
      invoice_metadata_right: [{ field: 'invoice_date' }, { field: 'due_date' }],
      estimate_sender_address: addressBlock,
      estimate_metadata_left: [{ field: 'reference' }],
      estimate_metadata_right: [{ field: 'estimate_date' }, { field: 'due_date' }],
      created_at: at,
      updated_at: at,
    },
  ];
  const financial = (type: string, name: string, identifier: string, moneybird: boolean) => ({
    id: ids.id(),
    ...base,
    type,
    name,
    identifier,
    currency,
    provider: null,
    moneybird_account: moneybird,
    active: true,
    created_at: at,
    updated_at: at,
  });
  const financialAccounts = [
    financial('BankAccount', 'Zakelijke rekening NL91ABNA0417164300', 'NL91ABNA0417164300', false),
    financial('PaymentServiceProviderAccount', 'Mollie', 'mollie', false),
    financial('CashAccount', 'Kas', 'kas', false),
  ];
  const customFields = [
    { id: ids.id(), ...base, name: 'Webshop order', source: 'sales_invoice' },
    { id: ids.id(), ...base, name: 'Webshop klantnummer', source: 'contact' },
  ];
  return {
    administration,
    taxRates,
    taxReportReference,
    ledgerAccounts,
    defaultRevenueLedgerAccountId: revenue.id,
    paymentsLedgerAccountId: paymentsAccount.id,
    settlementsLedgerAccountId: settlements.id,
    uncollectibleLedgerAccountId: uncollectible.id,
    workflows,
    documentStyles,
    identities: [identity],
    financialAccounts,
    customFields,
    userId: ids.id(),
  };
}
