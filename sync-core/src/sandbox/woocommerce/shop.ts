/**
 * The simulated shop's mutable state and the operations WooCommerce performs on it: adding and
 * updating orders, status changes (every save bumps date_modified; paid/completed dates set),
 * refunds the way wc_create_refund makes them, HPOS "viewed" bumps, and the customer/product data.
 */
import { dec, fixed } from '../../model/money';
import type { ApiKey, KeyPermission, WcError, WpUser } from './auth';
import { toGmtString } from './dates';
import { type GeneratedCustomer, PRODUCT_CATALOG, REFUND_CAPABLE_GATEWAYS, priceExcl } from './generate';
import { buildRefund, remainingRefundAmount, type RefundRequest } from './refunds';
import type { WcTaxRate } from './tax-rates';
import type { WcOrderRecord, WcRefundRecord, WcShopSettings } from './types';

export const CORE_STATUSES = ['pending', 'processing', 'on-hold', 'completed', 'cancelled', 'refunded', 'failed', 'checkout-draft'];

export interface WcCustomerRecord {
  id: number;
  date_created_gmt: string;
  date_modified_gmt: string;
  email: string;
  first_name: string;
  last_name: string;
  role: string;
  username: string;
  billing: Record<string, string>;
  shipping: Record<string, string>;
  is_paying_customer: boolean;
}

export interface WcProductRecord {
  id: number;
  name: string;
  type: 'simple' | 'variable' | 'variation';
  status: string;
  sku: string;
  price: string;
  regular_price: string;
  sale_price: string;
  tax_status: 'taxable' | 'shipping' | 'none';
  tax_class: string;
  date_modified_gmt: string;
}

export type OrderEvent = 'created' | 'updated' | 'deleted' | 'restored';
export type OrderListener = (event: OrderEvent, order: WcOrderRecord) => void;

export class WooShop {
  readonly orders = new Map<number, WcOrderRecord>();
  /** Called on every order save (webhooks listen here). */
  readonly listeners: OrderListener[] = [];
  readonly customers: WcCustomerRecord[] = [];
  readonly products: WcProductRecord[] = [];
  readonly keys: ApiKey[] = [];
  readonly users: WpUser[] = [
    { id: 1, login: 'admin', email: 'admin@shop.example', canManageWoocommerce: true, appPasswords: [] },
    { id: 99, login: 'klant', email: 'klant@shop.example', canManageWoocommerce: false, appPasswords: [] },
  ];
  /** Custom statuses registered by plugins (without `wc-`). */
  readonly customStatuses = new Set<string>(['awaiting-shipment']);
  /** The clock; tests may replace it. */
  now: () => Date = () => new Date();
  private nextPostId: number;
  private nextItem: number;

  constructor(
    readonly settings: WcShopSettings,
    readonly taxRates: WcTaxRate[],
    ids: { nextId: number; nextItemId: number },
  ) {
    this.nextPostId = ids.nextId;
    this.nextItem = ids.nextItemId;
  }

  nowGmt(): string {
    return toGmtString(this.now());
  }

  newPostId(): number {
    return this.nextPostId++;
  }

  newItemId = (): number => this.nextItem++;

  /** Registered statuses (REST names). */
  statuses(): string[] {
    return [...CORE_STATUSES, ...this.customStatuses];
  }

  addKey(k: { consumerKey: string; consumerSecret: string; permissions?: KeyPermission; userId?: number }): ApiKey {
    const key: ApiKey = { keyId: this.keys.length + 1, userId: k.userId ?? 1, consumerKey: k.consumerKey, consumerSecret: k.consumerSecret, permissions: k.permissions ?? 'read_write', nonces: new Map() };
    this.keys.push(key);
    return key;
  }

  addAppPassword(login: string, password: string, name = 'Shopbooks'): void {
    const u = this.users.find((x) => x.login === login);
    if (!u) throw new Error(`no WordPress user ${login}`);
    u.appPasswords.push({ name, password });
  }

  private emit(event: OrderEvent, o: WcOrderRecord): void {
    for (const l of this.listeners) l(event, o);
  }

  /**
   * Add an order record (e.g. from the generator); its id must be free. `notify` fires
   * order.created (a new checkout), seeding does not.
   */
  addOrder(o: WcOrderRecord, opts: { notify?: boolean } = {}): WcOrderRecord {
    if (this.orders.has(o.id)) throw new Error(`order ${o.id} exists`);
    this.orders.set(o.id, o);
    if (o.id >= this.nextPostId) this.nextPostId = o.id + 1;
    for (const r of o.refunds) if (r.id >= this.nextPostId) this.nextPostId = r.id + 1;
    if (opts.notify) this.emit('created', o);
    return o;
  }

  /** Move to the trash (order.deleted) and back (order.restored). */
  trashOrder(id: number): WcOrderRecord {
    const o = this.mustGet(id);
    (o as WcOrderRecord & { _previousStatus?: string })._previousStatus = o.status;
    o.status = 'trash';
    const now = this.nowGmt();
    o.date_modified_gmt = now > o.date_modified_gmt ? now : o.date_modified_gmt;
    this.emit('deleted', o);
    return o;
  }

  restoreOrder(id: number): WcOrderRecord {
    const o = this.mustGet(id) as WcOrderRecord & { _previousStatus?: string };
    o.status = o._previousStatus ?? 'pending';
    delete o._previousStatus;
    const now = this.nowGmt();
    o.date_modified_gmt = now > o.date_modified_gmt ? now : o.date_modified_gmt;
    this.emit('restored', o);
    return o;
  }

  getOrder(id: number): WcOrderRecord | undefined {
    return this.orders.get(id);
  }

  private mustGet(id: number): WcOrderRecord {
    const o = this.orders.get(id);
    if (!o) throw new Error(`no order ${id}`);
    return o;
  }

  /** A save: date_modified = now (never backwards), order.updated fires. */
  touch(o: WcOrderRecord, opts: { notify?: boolean } = {}): void {
    const now = this.nowGmt();
    o.date_modified_gmt = now > o.date_modified_gmt ? now : o.date_modified_gmt;
    if (o.verbatim) {
      o.verbatim.date_modified_gmt = o.date_modified_gmt;
      o.verbatim.date_modified = o.date_modified_gmt;
    }
    if (opts.notify !== false) this.emit('updated', o);
  }

  /** Change fields without WooCommerce's logic (a plugin or a manual DB edit); bumps date_modified unless told not to. */
  updateOrder(id: number, patch: Partial<WcOrderRecord>, opts: { bump?: boolean } = {}): WcOrderRecord {
    const o = this.mustGet(id);
    Object.assign(o, patch);
    if (opts.bump !== false) this.touch(o);
    return o;
  }

  /**
   * $order->update_status(): sets paid/completed dates like WooCommerce, and `refunded` creates
   * the automatic "Order fully refunded." refund for the remaining amount.
   */
  setStatus(id: number, status: string): WcOrderRecord {
    const o = this.mustGet(id);
    const now = this.nowGmt();
    const from = o.status;
    o.status = status;
    if (['processing', 'completed'].includes(status) && !o.date_paid_gmt && !['processing', 'completed'].includes(from)) o.date_paid_gmt = now;
    if (status === 'completed' && !o.date_completed_gmt) o.date_completed_gmt = now;
    if (o.verbatim) o.verbatim.status = status;
    this.touch(o);
    if (status === 'refunded' && remainingRefundAmount(o).gt(0)) {
      this.createRefund(id, { amount: fixed(remainingRefundAmount(o), this.settings.decimals), reason: 'Order fully refunded.', line_items: [] }, { apiRefund: false, autoStatus: false });
    }
    return o;
  }

  /** HPOS quirk: opening the order in wp-admin bumps date_modified without any change. */
  viewOrder(id: number): WcOrderRecord {
    const o = this.mustGet(id);
    this.touch(o, { notify: false });
    return o;
  }

  /**
   * wc_create_refund + the REST controller's checks. Returns the refund, or a WooCommerce error.
   */
  createRefund(orderId: number, req: RefundRequest, opts: { apiRefund?: boolean; autoStatus?: boolean } = {}): WcRefundRecord | WcError {
    const o = this.orders.get(orderId);
    if (!o) return { status: 404, code: 'woocommerce_rest_invalid_order_id', message: 'Invalid order ID.' };
    const built = buildRefund(o, req, { refundId: 0, nextItemId: this.newItemId, nowGmt: this.nowGmt() }, this.settings);
    const amount = dec(built.amount);
    if (amount.isNegative() || (req.amount === undefined && amount.isZero() && !(req.line_items ?? []).length)) {
      return { status: 400, code: 'woocommerce_rest_invalid_order_refund', message: 'Refund amount must be greater than zero.' };
    }
    if (amount.gt(remainingRefundAmount(o))) {
      return { status: 500, code: 'woocommerce_rest_cannot_create_order_refund', message: 'Invalid refund amount.' };
    }
    if (opts.apiRefund ?? true) {
      if (!o.payment_method) return { status: 500, code: 'woocommerce_rest_cannot_create_order_refund', message: 'The payment gateway for this order does not exist.' };
      if (!REFUND_CAPABLE_GATEWAYS.has(o.payment_method)) {
        return { status: 500, code: 'woocommerce_rest_cannot_create_order_refund', message: 'The payment gateway for this order does not support automatic refunds.' };
      }
      built.refunded_payment = true;
    }
    built.id = this.newPostId();
    o.refunds.unshift(built);
    if (o.verbatim) {
      const summary = Array.isArray(o.verbatim.refunds) ? (o.verbatim.refunds as unknown[]) : [];
      o.verbatim.refunds = [{ id: built.id, reason: built.reason, total: fixed(amount.negated(), this.settings.decimals) }, ...summary];
    }
    this.touch(o);
    if ((opts.autoStatus ?? true) && remainingRefundAmount(o).lte(0) && o.status !== 'refunded') {
      o.status = 'refunded';
      if (o.verbatim) o.verbatim.status = 'refunded';
    }
    return built;
  }

  /** DELETE /orders/{id}/refunds/{rid}?force=true */
  deleteRefund(orderId: number, refundId: number): boolean {
    const o = this.orders.get(orderId);
    if (!o) return false;
    const i = o.refunds.findIndex((r) => r.id === refundId);
    if (i < 0) return false;
    o.refunds.splice(i, 1);
    this.touch(o);
    return true;
  }

  findRefund(refundId: number): { order: WcOrderRecord; refund: WcRefundRecord } | undefined {
    for (const o of this.orders.values()) {
      const r = o.refunds.find((x) => x.id === refundId);
      if (r) return { order: o, refund: r };
    }
    return undefined;
  }

  /** Customers and products from the generator's data. */
  seedCatalog(customers: GeneratedCustomer[]): void {
    for (const c of customers) {
      const t = c.template;
      const addr = { first_name: t.first, last_name: t.last, company: t.company, address_1: t.street, address_2: '', city: t.city, state: '', postcode: t.postcode, country: t.country };
      this.customers.push({
        id: c.id,
        date_created_gmt: c.createdGmt,
        date_modified_gmt: c.createdGmt,
        email: c.email,
        first_name: t.first,
        last_name: t.last,
        role: 'customer',
        username: c.email.split('@')[0],
        billing: { ...addr, email: c.email, phone: t.phone },
        shipping: { ...addr, phone: '' },
        is_paying_customer: true,
      });
    }
    for (const p of PRODUCT_CATALOG) {
      const price = this.settings.pricesIncludeTax ? p.priceIncl : priceExcl(p, this.settings.decimals);
      const cls = p.taxClass === 'standard' ? '' : p.taxClass;
      this.products.push({ id: p.id, name: p.name, type: p.variations ? 'variable' : 'simple', status: 'publish', sku: p.sku, price, regular_price: price, sale_price: '', tax_status: 'taxable', tax_class: cls, date_modified_gmt: '2024-12-01T09:00:00' });
      for (const v of p.variations ?? []) {
        this.products.push({ id: v.id, name: `${p.name} - ${v.value}`, type: 'variation', status: 'publish', sku: `${p.sku}-${v.value}`, price, regular_price: price, sale_price: '', tax_status: 'taxable', tax_class: cls, date_modified_gmt: '2024-12-01T09:00:00' });
      }
    }
  }
}
