/**
 * The simulator's state per administration and the serialisation of its records into Moneybird's
 * response shapes. Simple resources (contacts, tax rates, ledger accounts, workflows, …) are kept in
 * their response shape; invoices are kept as records whose totals are computed on read, so they can
 * never drift from their lines and payments.
 */
import { D, type Dec } from '../../model/money';
import { addDays, dateInZone, formatDecimal, isoTimestamp, type IdGenerator } from './format';
import { computeTotals, roundCents, type VatRoundingOptions } from './invoice-math';
import type { Json, SeededMasterData, TaxRateRecord } from './seed';

export interface Clock {
  now(): number;
}

export interface EventRecord {
  action: string;
  data: Json;
  at: string;
  link_entity_id: string | null;
  link_entity_type: string | null;
}

export interface DetailRecord {
  id: string;
  tax_rate_id: string;
  ledger_account_id: string;
  project_id: string | null;
  product_id: string | null;
  /** The quantity exactly as sent (free text such as "2 stuks"), or null when none was sent. */
  amount: string | null;
  quantity: Dec;
  description: string;
  price: Dec;
  period: string | null;
  row_order: number;
  created_at: string;
  updated_at: string;
}

export interface PaymentRecord {
  id: string;
  administration_id: string;
  invoice_type: 'SalesInvoice' | 'ExternalSalesInvoice';
  invoice_id: string;
  financial_account_id: string | null;
  user_id: string;
  payment_transaction_id: string | null;
  transaction_identifier: string | null;
  price: Dec;
  price_base: Dec;
  payment_date: string;
  credit_invoice_id: string | null;
  financial_mutation_id: string | null;
  ledger_account_id: string | null;
  linked_payment_id: string | null;
  manual_payment_action: string | null;
  created_at: string;
  updated_at: string;
}

export interface AttachmentRecord {
  id: string;
  filename: string;
  content_type: string;
  data: Buffer;
  created_at: string;
}

interface InvoiceCommon {
  id: string;
  contact_id: string | null;
  state: string;
  reference: string | null;
  currency: string;
  prices_are_incl_tax: boolean;
  paid_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
  details: DetailRecord[];
  payments: PaymentRecord[];
  marked_dubious_on: string | null;
  marked_uncollectible_on: string | null;
  events: EventRecord[];
  attachments: AttachmentRecord[];
  notes: Json[];
}

export interface SalesInvoiceRecord extends InvoiceCommon {
  kind: 'sales';
  contact_person_id: string | null;
  invoice_id: string | null;
  workflow_id: string;
  document_style_id: string;
  identity_id: string;
  draft_id: number | null;
  invoice_date: string | null;
  first_due_interval: number;
  payment_conditions: string | null;
  payment_reference: string | null;
  short_payment_reference: string | null;
  language: string;
  discount: Dec;
  original_sales_invoice_id: string | null;
  paused: boolean;
  sent_at: string | null;
  reminder_count: number;
  original_estimate_id: string | null;
  custom_fields: Array<{ id: string; name: string; value: string }>;
  /** Scheduled sending: the delivery settings to apply on invoice_date. */
  scheduledSending: { delivery_method: string } | null;
  lastDeliveryMethod: string | null;
}

export interface ExternalSalesInvoiceRecord extends InvoiceCommon {
  kind: 'external';
  date: string;
  due_date: string | null;
  entry_number: number;
  origin: string;
  source: string | null;
  source_url: string | null;
}

export type InvoiceRecord = SalesInvoiceRecord | ExternalSalesInvoiceRecord;

export interface SimulatorBehaviour {
  vatRounding: VatRoundingOptions;
  /** Exchange rates to the administration currency, e.g. { USD: '0.8' } (1 USD = 0.80 EUR). */
  exchangeRates: Record<string, string>;
  rejectPaymentOnDraft: boolean;
  uniqueCustomerId: boolean;
}

export class AdministrationState {
  readonly id: string;
  readonly administration: SeededMasterData['administration'];
  readonly taxRates: TaxRateRecord[];
  readonly taxReportReference: Map<string, string[]>;
  readonly ledgerAccounts: Json[];
  readonly workflows: Json[];
  readonly documentStyles: Json[];
  readonly identities: Json[];
  readonly financialAccounts: Json[];
  readonly customFields: Json[];
  readonly contacts = new Map<string, Json>();
  readonly salesInvoices = new Map<string, SalesInvoiceRecord>();
  readonly externalSalesInvoices = new Map<string, ExternalSalesInvoiceRecord>();
  readonly defaultRevenueLedgerAccountId: string;
  readonly paymentsLedgerAccountId: string;
  readonly settlementsLedgerAccountId: string;
  readonly uncollectibleLedgerAccountId: string;
  readonly userId: string;
  customerIdSeq = 0;
  draftSeq = 0;
  entryNumberSeq = 0;
  invoiceNumberByYear = new Map<string, number>();
  salesInvoicesCreatedByMonth = new Map<string, number>();
  salesInvoicesPerMonthLimit: number | null;

  constructor(
    seed: SeededMasterData,
    readonly ids: IdGenerator,
    readonly clock: Clock,
    readonly behaviour: SimulatorBehaviour,
    limit: number | undefined,
    readonly publicBaseUrl: () => string,
  ) {
    this.id = seed.administration.id;
    this.administration = seed.administration;
    this.taxRates = seed.taxRates;
    this.taxReportReference = seed.taxReportReference;
    this.ledgerAccounts = seed.ledgerAccounts;
    this.workflows = seed.workflows;
    this.documentStyles = seed.documentStyles;
    this.identities = seed.identities;
    this.financialAccounts = seed.financialAccounts;
    this.customFields = seed.customFields;
    this.defaultRevenueLedgerAccountId = seed.defaultRevenueLedgerAccountId;
    this.paymentsLedgerAccountId = seed.paymentsLedgerAccountId;
    this.settlementsLedgerAccountId = seed.settlementsLedgerAccountId;
    this.uncollectibleLedgerAccountId = seed.uncollectibleLedgerAccountId;
    this.userId = seed.userId;
    this.salesInvoicesPerMonthLimit = limit ?? null;
  }

  today(): string {
    return dateInZone(this.clock.now(), this.administration.time_zone);
  }
  nowIso(): string {
    return isoTimestamp(this.clock.now());
  }

  /**
   * `version` is the Unix time of `updated_at` (as in every SPEC example). When two changes fall in
   * the same second it still moves forward by one, so a synchronization client never misses a change.
   */
  nextVersion(previous: number | null): number {
    const v = Math.floor(this.clock.now() / 1000);
    return previous !== null && v <= previous ? previous + 1 : v;
  }

  touch(rec: { updated_at: string; version: number }): void {
    rec.updated_at = this.nowIso();
    rec.version = this.nextVersion(rec.version);
  }

  /** Webhook fan-out (set by the webhooks module); called for every recorded event. */
  onEvent: ((e: { action: string; entityType: string; entityId: string; serialize: () => Json }) => void) | null = null;

  event(rec: InvoiceRecord, action: string, data: Json = {}): void {
    rec.events.push({ action, data, at: this.nowIso(), link_entity_id: null, link_entity_type: null });
    this.onEvent?.({
      action,
      entityType: rec.kind === 'sales' ? 'SalesInvoice' : 'ExternalSalesInvoice',
      entityId: rec.id,
      serialize: () => (rec.kind === 'sales' ? this.serializeSalesInvoice(rec) : this.serializeExternalSalesInvoice(rec)),
    });
  }

  defaultSalesTaxRate(): TaxRateRecord {
    const r = this.taxRates.find((t) => t.tax_rate_type === 'sales_invoice' && t.active && t.country === null && t.percentage === '21.0');
    return r ?? this.taxRates.find((t) => t.tax_rate_type === 'sales_invoice' && t.active)!;
  }
  defaultWorkflow(type = 'InvoiceWorkflow'): Json {
    return this.workflows.find((w) => w.type === type && w.default === true)!;
  }
  defaultDocumentStyle(): Json {
    return this.documentStyles.find((d) => d.default === true)!;
  }

  exchangeRate(currency: string): Dec {
    if (currency === this.administration.currency) return new D(1);
    const r = this.behaviour.exchangeRates[currency];
    return new D(r ?? '1');
  }

  // ----- invoices -----

  totals(inv: InvoiceRecord) {
    const discount = inv.kind === 'sales' ? inv.discount : new D(0);
    const lines = inv.details.map((d) => ({
      price: d.price,
      quantity: d.quantity,
      taxRateId: d.tax_rate_id,
      percentage: new D(this.taxRates.find((t) => t.id === d.tax_rate_id)?.percentage ?? '0'),
    }));
    const t = computeTotals(lines, inv.prices_are_incl_tax, discount, this.behaviour.vatRounding);
    const paid = inv.payments.reduce((acc, p) => acc.plus(p.price), new D(0));
    const paidBase = inv.payments.reduce((acc, p) => acc.plus(p.price_base), new D(0));
    return { ...t, paid, paidBase, unpaid: t.totalIncl.minus(paid) };
  }

  base(inv: InvoiceRecord, amount: Dec): Dec {
    return roundCents(amount.times(this.exchangeRate(inv.currency)), this.behaviour.vatRounding.mode);
  }

  dueDate(inv: SalesInvoiceRecord): string {
    return addDays(inv.invoice_date ?? this.today(), inv.first_due_interval);
  }

  /**
   * Clock-driven transitions, applied whenever an invoice is read or changed: a scheduled invoice is
   * sent on its invoice date; an open invoice becomes late after its due date.
   */
  refresh(inv: InvoiceRecord, sendScheduled: (inv: SalesInvoiceRecord) => void): void {
    const today = this.today();
    if (inv.kind === 'sales' && inv.state === 'scheduled' && inv.invoice_date && inv.invoice_date <= today) sendScheduled(inv);
    const due = inv.kind === 'sales' ? (inv.invoice_id ? this.dueDate(inv) : null) : inv.due_date;
    if (inv.state === 'open' && due && due < today) {
      inv.state = 'late';
      this.event(inv, `${inv.kind === 'sales' ? 'sales_invoice' : 'external_sales_invoice'}_state_changed_to_late`);
      this.touch(inv);
    }
  }

  /** After payments change: paid when nothing is left to pay, back to open/late when it is again. */
  settleState(inv: InvoiceRecord): void {
    const prefix = inv.kind === 'sales' ? 'sales_invoice' : 'external_sales_invoice';
    const { unpaid } = this.totals(inv);
    if (['open', 'late', 'reminded', 'pending_payment'].includes(inv.state) && unpaid.isZero() && inv.payments.length > 0) {
      inv.state = 'paid';
      inv.paid_at = this.today();
      this.event(inv, `${prefix}_state_changed_to_paid`);
    } else if (inv.state === 'paid' && !unpaid.isZero()) {
      const due = inv.kind === 'sales' ? this.dueDate(inv) : inv.due_date;
      inv.state = due && due < this.today() ? 'late' : 'open';
      inv.paid_at = null;
      this.event(inv, `${prefix}_state_changed_to_${inv.state}`);
    }
  }

  serializePayment(p: PaymentRecord): Json {
    return {
      id: p.id,
      administration_id: p.administration_id,
      invoice_type: p.invoice_type,
      invoice_id: p.invoice_id,
      financial_account_id: p.financial_account_id,
      user_id: p.user_id,
      payment_transaction_id: p.payment_transaction_id,
      transaction_identifier: p.transaction_identifier,
      price: formatDecimal(p.price),
      price_base: formatDecimal(p.price_base),
      payment_date: p.payment_date,
      credit_invoice_id: p.credit_invoice_id,
      financial_mutation_id: p.financial_mutation_id,
      ledger_account_id: p.ledger_account_id,
      linked_payment_id: p.linked_payment_id,
      manual_payment_action: p.manual_payment_action,
      created_at: p.created_at,
      updated_at: p.updated_at,
    };
  }

  private serializeDetails(inv: InvoiceRecord, lineTotals: ReturnType<typeof computeTotals>['lines']): Json[] {
    return inv.details.map((d, i) => ({
      id: d.id,
      administration_id: this.id,
      tax_rate_id: d.tax_rate_id,
      ledger_account_id: d.ledger_account_id,
      project_id: d.project_id,
      product_id: d.product_id,
      amount: d.amount,
      amount_decimal: formatDecimal(d.quantity),
      description: d.description,
      price: formatDecimal(d.price),
      period: d.period,
      row_order: d.row_order,
      total_price_excl_tax_with_discount: formatDecimal(lineTotals[i].totalExclWithDiscount),
      total_price_excl_tax_with_discount_base: formatDecimal(this.base(inv, lineTotals[i].totalExclWithDiscount)),
      tax_report_reference: this.taxReportReference.get(d.tax_rate_id) ?? [],
      mandatory_tax_text: null,
      created_at: d.created_at,
      updated_at: d.updated_at,
    }));
  }

  private serializeEvents(inv: InvoiceRecord): Json[] {
    return inv.events.map((e) => ({
      administration_id: this.id,
      user_id: this.userId,
      action: e.action,
      link_entity_id: e.link_entity_id,
      link_entity_type: e.link_entity_type,
      data: e.data,
      created_at: e.at,
      updated_at: e.at,
    }));
  }

  private serializeAttachments(inv: InvoiceRecord): Json[] {
    return inv.attachments.map((a) => ({
      id: a.id,
      administration_id: this.id,
      attachable_id: inv.id,
      attachable_type: inv.kind === 'sales' ? 'SalesInvoice' : 'ExternalSalesInvoice',
      filename: a.filename,
      content_type: a.content_type,
      size: a.data.length,
      rotation: 0,
      created_at: a.created_at,
      updated_at: a.created_at,
    }));
  }

  private commonMoney(inv: InvoiceRecord) {
    const t = this.totals(inv);
    // Tax lines at 0 % with nothing to report are left out, as in the SPEC's intra-community example.
    const taxTotals = t.perRate
      .filter((r) => !(r.percentage.isZero() && r.tax.isZero()))
      .map((r) => ({
        tax_rate_id: r.taxRateId,
        taxable_amount: formatDecimal(r.taxable),
        taxable_amount_base: formatDecimal(this.base(inv, r.taxable)),
        tax_amount: formatDecimal(r.tax),
        tax_amount_base: formatDecimal(this.base(inv, r.tax)),
      }));
    return {
      t,
      money: {
        total_paid: formatDecimal(t.paid),
        total_unpaid: formatDecimal(t.unpaid),
        total_unpaid_base: formatDecimal(this.base(inv, t.totalIncl).minus(t.paidBase)),
        prices_are_incl_tax: inv.prices_are_incl_tax,
        total_price_excl_tax: formatDecimal(t.totalExcl),
        total_price_excl_tax_base: formatDecimal(this.base(inv, t.totalExcl)),
        total_price_incl_tax: formatDecimal(t.totalIncl),
        total_price_incl_tax_base: formatDecimal(this.base(inv, t.totalIncl)),
      },
      taxTotals,
    };
  }

  contactSnapshot(contactId: string | null): Json | null {
    if (!contactId) return null;
    const c = this.contacts.get(contactId);
    if (!c) return null;
    const copy: Json = { ...c };
    return copy;
  }

  serializeSalesInvoice(inv: SalesInvoiceRecord): Json {
    const { t, money, taxTotals } = this.commonMoney(inv);
    const urlCode = inv.id.split('').reverse().join('').padEnd(64, '0');
    const url = `${this.publicBaseUrl()}/${this.id}/external/${urlCode}/sales_invoice`;
    return {
      id: inv.id,
      administration_id: this.id,
      contact_id: inv.contact_id,
      contact: this.contactSnapshot(inv.contact_id),
      contact_person_id: inv.contact_person_id,
      contact_person: null,
      invoice_id: inv.invoice_id,
      recurring_sales_invoice_id: null,
      subscription_id: null,
      workflow_id: inv.workflow_id,
      document_style_id: inv.document_style_id,
      identity_id: inv.identity_id,
      draft_id: inv.draft_id,
      state: inv.state,
      invoice_date: inv.invoice_date,
      due_date: this.dueDate(inv),
      payment_conditions: inv.payment_conditions,
      payment_reference: inv.payment_reference,
      short_payment_reference: inv.short_payment_reference,
      reference: inv.reference,
      language: inv.language,
      currency: inv.currency,
      discount: formatDecimal(inv.discount),
      original_sales_invoice_id: inv.original_sales_invoice_id,
      paused: inv.paused,
      paid_at: inv.paid_at,
      sent_at: inv.sent_at,
      created_at: inv.created_at,
      updated_at: inv.updated_at,
      public_view_code: null,
      public_view_code_expires_at: null,
      version: inv.version,
      details: this.serializeDetails(inv, t.lines),
      payments: inv.payments.map((p) => this.serializePayment(p)),
      ...money,
      total_discount: formatDecimal(t.totalDiscount),
      marked_dubious_on: inv.marked_dubious_on,
      marked_uncollectible_on: inv.marked_uncollectible_on,
      reminder_count: inv.reminder_count,
      next_reminder: inv.invoice_id && ['open', 'late', 'reminded'].includes(inv.state) ? this.dueDate(inv) : null,
      original_estimate_id: inv.original_estimate_id,
      url,
      payment_url: url,
      custom_fields: inv.custom_fields.map((f) => ({ ...f })),
      notes: inv.notes,
      attachments: this.serializeAttachments(inv),
      events: this.serializeEvents(inv),
      tax_totals: taxTotals,
      time_entries: [],
    };
  }

  serializeExternalSalesInvoice(inv: ExternalSalesInvoiceRecord): Json {
    const { t, money, taxTotals } = this.commonMoney(inv);
    return {
      id: inv.id,
      administration_id: this.id,
      contact_id: inv.contact_id,
      contact: this.contactSnapshot(inv.contact_id),
      date: inv.date,
      state: inv.state,
      due_date: inv.due_date,
      reference: inv.reference,
      entry_number: inv.entry_number,
      origin: inv.origin,
      source: inv.source,
      source_url: inv.source_url,
      currency: inv.currency,
      paid_at: inv.paid_at,
      created_at: inv.created_at,
      updated_at: inv.updated_at,
      version: inv.version,
      details: this.serializeDetails(inv, t.lines),
      payments: inv.payments.map((p) => this.serializePayment(p)),
      ...money,
      marked_dubious_on: inv.marked_dubious_on,
      marked_uncollectible_on: inv.marked_uncollectible_on,
      notes: inv.notes,
      attachments: this.serializeAttachments(inv),
      events: this.serializeEvents(inv),
      tax_totals: taxTotals,
    };
  }
}
