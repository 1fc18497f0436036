/**
 * The simulated administrations (divisions) and their master data. Records are stored in the
 * simulator's canonical form (see values.ts): GUIDs lowercase, dates epoch ms, Double values as
 * decimal strings, line collections as arrays inside their header.
 */
import { randomUUID } from 'node:crypto';
import type { Rec } from './odata';

export interface DivisionData {
  division: number;
  description: string;
  accounts: Rec[];
  items: Rec[];
  vatCodes: Rec[];
  glAccounts: Rec[];
  journals: Rec[];
  paymentConditions: Rec[];
  financialPeriods: Rec[];
  salesEntries: Rec[];
  salesInvoices: Rec[];
  salesOrders: Rec[];
  /** Documents (PDFs) made by PrintedSalesInvoices, and documents/Documents created by clients. */
  documents: Rec[];
  /** documents/DocumentAttachments (base64 file content in `Attachment`). */
  documentAttachments: Rec[];
  /** financialtransaction/CashEntries and BankEntries (lines inside, as for sales entries). */
  cashEntries: Rec[];
  bankEntries: Rec[];
  /** E-mails PrintedSalesInvoices would have sent (SendEmailToCustomer). */
  emails: Array<{ invoiceId: string; invoiceNumber: number; to: string | null; sender: string | null; at: number }>;
  /** `${year}-${period}` of closed periods. */
  closedPeriods: Set<string>;
  /** Division default payment condition code (null: none, "Verplicht: Betalingsconditie"). */
  defaultPaymentCondition: string | null;
  /** Revenue G/L account of the default item group (used when an item has no GLRevenue). */
  defaultItemRevenueGL: string | null;
  currency: string;
  /**
   * The division's row version (SQL Server `rowversion`): every account create and update takes
   * the next value as its `Timestamp`, which the sync endpoints filter and page on.
   */
  rowVersion: number;
}

export function padVatCode(code: string): string {
  return code.trim().padEnd(3, ' ');
}

export function padAccountCode(code: string): string {
  return code.trim().padStart(18, ' ');
}

function base(division: number, now: number): Rec {
  return { Division: division, Created: now, Modified: now, Creator: null, CreatorFullName: null, Modifier: null, ModifierFullName: null };
}

export function newDivision(division: number, description: string): DivisionData {
  return {
    division,
    description,
    accounts: [],
    items: [],
    vatCodes: [],
    glAccounts: [],
    journals: [],
    paymentConditions: [],
    financialPeriods: [],
    salesEntries: [],
    salesInvoices: [],
    salesOrders: [],
    documents: [],
    documentAttachments: [],
    cashEntries: [],
    bankEntries: [],
    emails: [],
    closedPeriods: new Set(),
    defaultPaymentCondition: null,
    defaultItemRevenueGL: null,
    currency: 'EUR',
    // Real timestamps bear no relation to dates and start far above 1 ("filter on timestamp greater than 1" the first time).
    rowVersion: 40_000_000 + (division % 1000) * 1000,
  };
}

/** The next row version of the division, for a record that is created or changed now. */
export function nextRowVersion(d: DivisionData): number {
  d.rowVersion += 1;
  return d.rowVersion;
}

/** Dutch demo administration: VAT codes, G/L accounts, journals, payment conditions, years 2020-2030. */
export function seedMasterData(d: DivisionData, now: number): void {
  const gl = (code: string, description: string, type: number, typeDescription: string, balanceType: 'B' | 'W', vatCode: string | null): Rec => ({
    ...base(d.division, now),
    ID: randomUUID(),
    Code: code,
    Description: description,
    Type: type,
    TypeDescription: typeDescription,
    BalanceType: balanceType,
    BalanceSide: balanceType === 'W' ? 'C' : 'D',
    VATCode: vatCode === null ? null : padVatCode(vatCode),
    IsBlocked: false,
  });
  d.glAccounts.push(
    gl('1000', 'Kas', 10, 'Kas', 'B', null),
    gl('1100', 'Bank', 12, 'Bank', 'B', null),
    gl('1300', 'Debiteuren', 20, 'Debiteuren', 'B', null),
    gl('1500', 'Te betalen btw', 24, 'Te betalen btw', 'B', null),
    gl('1600', 'Crediteuren', 22, 'Crediteuren', 'B', null),
    gl('4000', 'Algemene kosten', 90, 'Algemeen', 'W', null),
    gl('7000', 'Kostprijs omzet', 111, 'Kostprijs van de omzet', 'W', null),
    gl('8000', 'Omzet hoog tarief', 110, 'Opbrengsten', 'W', '2'),
    gl('8010', 'Omzet laag tarief', 110, 'Opbrengsten', 'W', '1'),
    gl('8020', 'Omzet 0% / vrijgesteld', 110, 'Opbrengsten', 'W', '0'),
    gl('8030', 'Omzet intracommunautair', 110, 'Opbrengsten', 'W', '6'),
    gl('8040', 'Omzet export buiten EU', 110, 'Opbrengsten', 'W', '7'),
    gl('8050', 'Omzet OSS', 110, 'Opbrengsten', 'W', null),
    gl('8090', 'Omzet verzendkosten', 110, 'Opbrengsten', 'W', '2'),
    gl('8100', 'Kortingen', 110, 'Opbrengsten', 'W', '2'),
    gl('8900', 'Afrondingsverschillen', 110, 'Opbrengsten', 'W', '0'),
  );
  const byCode = (c: string): string => d.glAccounts.find((g) => g.Code === c)!.ID as string;
  d.defaultItemRevenueGL = byCode('8000');

  const vat = (
    code: string,
    description: string,
    percentage: string,
    type: 'B' | 'E' | 'I' | 'N',
    txType: 'B' | 'P' | 'S',
    extra: Partial<Rec> = {},
  ): Rec => ({
    ...base(d.division, now),
    ID: randomUUID(),
    Code: padVatCode(code),
    Description: description,
    Percentage: percentage,
    Type: type,
    VATTransactionType: txType,
    Charged: false,
    EUSalesListing: 'N',
    IsBlocked: false,
    GLToPay: txType === 'P' ? null : byCode('1500'),
    GLToPayCode: txType === 'P' ? null : '1500',
    OssCountry: null,
    Country: 'NL',
    CalculationBasis: 0,
    ...extra,
  });
  d.vatCodes.push(
    vat('0', 'Geen btw', '0', 'N', 'B'),
    vat('1', 'Btw laag 9% verkopen (excl.)', '0.09', 'E', 'S'),
    vat('2', 'Btw hoog 21% verkopen (excl.)', '0.21', 'E', 'S'),
    vat('3', 'Btw laag 9% verkopen (incl.)', '0.09', 'I', 'S'),
    vat('4', 'Btw hoog 21% verkopen (incl.)', '0.21', 'I', 'S'),
    vat('5', 'Btw 0% verkopen', '0', 'B', 'S'),
    vat('6', 'Intracommunautaire levering goederen (verlegd)', '0', 'B', 'S', { EUSalesListing: 'L' }),
    vat('7', 'Export buiten de EU', '0', 'B', 'S'),
    vat('8', 'Intracommunautaire diensten (verlegd)', '0', 'B', 'S', { EUSalesListing: 'S' }),
    vat('9', 'Btw verlegd binnenland', '0', 'B', 'S', { Charged: true }),
    vat('10', 'Btw hoog 21% inkopen', '0.21', 'E', 'P'),
    vat('11', 'Btw laag 9% inkopen', '0.09', 'E', 'P'),
    vat('D19', 'OSS Duitsland 19%', '0.19', 'E', 'S', { OssCountry: 'DE' }),
    vat('D7', 'OSS Duitsland 7%', '0.07', 'E', 'S', { OssCountry: 'DE' }),
    vat('B21', 'OSS België 21%', '0.21', 'E', 'S', { OssCountry: 'BE' }),
    vat('B6', 'OSS België 6%', '0.06', 'E', 'S', { OssCountry: 'BE' }),
    vat('F20', 'OSS Frankrijk 20%', '0.2', 'E', 'S', { OssCountry: 'FR' }),
    vat('F55', 'OSS Frankrijk 5,5%', '0.055', 'E', 'S', { OssCountry: 'FR' }),
    vat('A20', 'OSS Oostenrijk 20%', '0.2', 'E', 'S', { OssCountry: 'AT' }),
    vat('I22', 'OSS Italië 22%', '0.22', 'E', 'S', { OssCountry: 'IT' }),
    vat('E21', 'OSS Spanje 21%', '0.21', 'E', 'S', { OssCountry: 'ES' }),
    vat('99', 'Oude btw-code (geblokkeerd)', '0.19', 'E', 'S', { IsBlocked: true }),
  );

  const journal = (code: string, description: string, type: number, allowVat: boolean, glCode: string | null): Rec => ({
    ...base(d.division, now),
    ID: randomUUID(),
    Code: code,
    Description: description,
    Type: type,
    AllowVAT: allowVat,
    AllowVariableCurrency: false,
    AllowVariableExchangeRate: false,
    Currency: 'EUR',
    CurrencyDescription: 'Euro',
    GLAccount: glCode ? byCode(glCode) : null,
    GLAccountCode: glCode,
    IsBlocked: false,
  });
  d.journals.push(
    journal('10', 'Kas', 10, false, '1000'),
    journal('20', 'Bank', 12, false, '1100'),
    journal('21', 'PayPal', 12, false, '1100'),
    journal('22', 'Mollie', 16, false, '1100'),
    journal('70', 'Verkoopboek', 20, true, '1300'),
    journal('72', 'Verkoopboek zonder btw', 20, false, '1300'),
    journal('90', 'Memoriaal', 90, true, null),
  );

  const pc = (code: string, description: string, days: number, method: string): Rec => ({
    ...base(d.division, now),
    ID: randomUUID(),
    Code: code,
    Description: description,
    PaymentDays: days,
    PaymentMethod: method,
    DiscountPaymentDays: 0,
    DiscountPercentage: '0',
    PaymentEndOfMonths: 0,
    Percentage: '0',
  });
  d.paymentConditions.push(pc('00', 'Contant', 0, 'K'), pc('14', '14 dagen', 14, 'B'), pc('30', '30 dagen', 30, 'B'));
  d.defaultPaymentCondition = '30';

  for (let year = 2020; year <= 2030; year++) {
    for (let p = 1; p <= 12; p++) {
      d.financialPeriods.push({
        ...base(d.division, now),
        ID: randomUUID(),
        FinYear: year,
        FinPeriod: p,
        StartDate: Date.UTC(year, p - 1, 1),
        EndDate: Date.UTC(year, p, 1) - 86400000,
      });
    }
  }
}

/** The financial period containing `ms`, if any. */
export function periodOf(d: DivisionData, ms: number): Rec | undefined {
  return d.financialPeriods.find((p) => (p.StartDate as number) <= ms && ms < (p.EndDate as number) + 86400000);
}
