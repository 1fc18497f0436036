/**
 * BookingPlans → Exact Online's XML import format ("eExact": topics Accounts and GLTransactions).
 *
 * Every sales entry is the SAME `SalesEntryBody` the API path posts (targets/exact/createSalesEntry:
 * journal, YourRef = the plan's reference, one line per plan line with GL account, VAT code, net
 * and VAT), built by the same functions from the same plan, VAT code map and GL mapping; only the
 * ids the API resolves (GL account, customer) are written as the codes a file import names them by.
 * So a file import and an API booking cannot disagree.
 *
 * Signs: credit is negative. An order credits revenue (Value = −net, VATAmount = −VAT); a credit
 * note (refund, cancellation: negative net) debits it. `Amount` is the line in the administration's
 * currency, `ForeignAmount` repeats it in the document currency with the VAT base and the shop's VAT
 * amount (REST's AmountFC / VATAmountFC).
 */
import { XMLBuilder } from 'fast-xml-parser';
import { asShopbooksError, type ShopbooksError } from '../../model/errors';
import { dec, fixed } from '../../model/money';
import type { BookingPlan } from '../../plan/types';
import type { ExactTargetConfig } from '../../targets/exact/config';
import { buildSalesEntryBody, type SalesEntryBody } from '../../targets/exact/createSalesEntry';
import { exactLinesFor } from '../../targets/exact/lines';
import { configuredVatCode, glAccountCode } from '../../targets/exact/master-data';
import { DebtorList, debtorFor } from './debtors';

/** The schema file import tools expect next to the file (Exact Online's name for it). */
export const EXACT_XML_SCHEMA_LOCATION = 'eExact-XML.xsd';

/** Transaction (and line) type: 20 sales entry, 21 sales credit note. */
export function transactionType(plan: BookingPlan): 20 | 21 {
  return plan.kind === 'order' ? 20 : 21;
}

export interface ExportedEntry {
  plan: BookingPlan;
  /** What the API path would post for this plan (ids replaced by codes). */
  body: SalesEntryBody;
  accountCode: string;
}

export interface ExactXmlFile {
  xml: string;
  entries: ExportedEntry[];
  accounts: number;
  /** Plans that cannot be exported, with the same error the API path would give. */
  refused: Array<{ plan: BookingPlan; error: ShopbooksError }>;
}

const negate = (amount: string): string => fixed(dec(amount).neg());

/** Shop text as XML 1.0 allows it: control characters (other than tab and newlines) cannot be written, so they are dropped. */
// eslint-disable-next-line no-control-regex
export const xmlText = (value: string): string => value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');

/** One sales entry: the API body for the plan, checked exactly as the API path checks it. */
export function salesEntryFor(plan: BookingPlan, config: ExactTargetConfig, accountCode: string): SalesEntryBody {
  const lines = exactLinesFor(plan, (key) => configuredVatCode(config, key).code);
  return buildSalesEntryBody(plan, lines, {
    journalCode: config.journalCode,
    customerId: accountCode,
    glAccountId: (role) => glAccountCode(config, role),
    ...(config.paymentConditionCode ? { paymentConditionCode: config.paymentConditionCode } : {}),
  });
}

function transactionXml(e: ExportedEntry): Record<string, unknown> {
  const { plan, body } = e;
  const type = transactionType(plan);
  return {
    TransactionType: { '@_number': String(type) },
    Journal: { '@_code': body.Journal },
    ...(body.PaymentCondition ? { PaymentCondition: { '@_code': body.PaymentCondition } } : {}),
    Date: plan.date,
    Description: xmlText(body.Description),
    Account: { '@_code': e.accountCode },
    GLTransactionLine: body.SalesEntryLines.map((l, i) => ({
      '@_type': String(type),
      '@_line': String(i + 1),
      '@_status': '20',
      Date: plan.date,
      GLAccount: { '@_code': l.GLAccount },
      Description: xmlText(l.Description),
      Account: { '@_code': e.accountCode },
      Amount: { Currency: { '@_code': body.Currency }, Value: negate(l.AmountFC), VAT: { '@_code': l.VATCode } },
      ForeignAmount: {
        Currency: { '@_code': body.Currency },
        Value: negate(l.AmountFC),
        VAT: { '@_code': l.VATCode },
        VATBaseAmount: negate(l.AmountFC),
        VATAmount: negate(l.VATAmountFC),
      },
      References: { YourRef: body.YourRef },
    })),
  };
}

function accountXml(code: string, a: NonNullable<ReturnType<DebtorList['list']>[number]['account']>): Record<string, unknown> {
  return {
    '@_code': code,
    '@_status': 'C',
    Name: xmlText(a.Name),
    ...(a.Phone ? { Phone: xmlText(a.Phone) } : {}),
    ...(a.Email ? { Email: xmlText(a.Email) } : {}),
    ...(a.AddressLine1
      ? {
          Address: {
            '@_type': 'INV',
            '@_default': 'true',
            AddressLine1: xmlText(a.AddressLine1),
            ...(a.AddressLine2 ? { AddressLine2: xmlText(a.AddressLine2) } : {}),
            ...(a.Postcode ? { PostalCode: xmlText(a.Postcode) } : {}),
            ...(a.City ? { City: xmlText(a.City) } : {}),
            ...(a.Country ? { Country: { '@_code': a.Country } } : {}),
          },
        }
      : {}),
    ...(a.VATNumber ? { VATNumber: xmlText(a.VATNumber) } : {}),
  };
}

/** The export file for these plans (in the order given). Plans that fail a check are refused, the rest is written. */
export function buildExactXml(plans: BookingPlan[], config: ExactTargetConfig): ExactXmlFile {
  const debtors = new DebtorList();
  const entries: ExportedEntry[] = [];
  const refused: ExactXmlFile['refused'] = [];
  for (const plan of plans) {
    try {
      const debtor = debtorFor(config, plan);
      const body = salesEntryFor(plan, config, debtor.code);
      debtors.add(debtor, plan.reference);
      entries.push({ plan, body, accountCode: debtor.code });
    } catch (e) {
      refused.push({ plan, error: asShopbooksError(e) });
    }
  }
  const accounts = debtors.list();
  const root: Record<string, unknown> = {
    '@_xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
    '@_xsi:noNamespaceSchemaLocation': EXACT_XML_SCHEMA_LOCATION,
    ...(accounts.length ? { Accounts: { Account: accounts.map((a) => accountXml(a.code, a.account)) } } : {}),
    ...(entries.length ? { GLTransactions: { GLTransaction: entries.map(transactionXml) } } : {}),
  };
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, indentBy: '  ', suppressEmptyNode: true, suppressBooleanAttributes: false });
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ eExact: root }) as string}`;
  return { xml, entries, accounts: accounts.length, refused };
}
