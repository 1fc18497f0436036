import { useCallback, useEffect, useState } from '@wordpress/element';
import { Button, Card, CardBody, CardHeader, Notice, Spinner } from '@wordpress/components';
import { __, _n, sprintf } from '@wordpress/i18n';

import { api, errorMessage } from '../api';

function roleLabel(role) {
	switch (role) {
		case 'revenue':
			return __('Revenue', 'shopbooks');
		case 'shipping':
			return __('Shipping', 'shopbooks');
		case 'fees':
			return __('Fee', 'shopbooks');
		case 'discount':
			return __('Discount', 'shopbooks');
		case 'rounding':
			return __('Rounding', 'shopbooks');
		default:
			return role;
	}
}

function customerName(c) {
	if (!c) {
		return '';
	}
	const name = [c.firstName, c.lastName].filter(Boolean).join(' ');
	return [c.company, name, c.email].filter(Boolean).join(' · ');
}

/**
 * The preview's orders in one shape. The sync core's `preview --json` (a dry run of the next sync)
 * answers `{ counts, wouldBook, orders: [{ order, status, verdict, text, ok, reason, code, plan }] }`,
 * one entry per order; docs/rest-api.md also describes `{ orderNumber, source, plan }` (an example
 * order). Both are accepted.
 *
 * @param {Object} preview The answer of GET /preview.
 * @return {Array<Object>} `{ orderNumber, status, kind, verdict, ok, plan, code, reason }` per order, in the core's order.
 */
export function previewOrders(preview) {
	if (!preview || !preview.available) {
		return [];
	}
	if (Array.isArray(preview.orders)) {
		return preview.orders.map((o) => {
			const verdict = o.verdict || 'would-fail';
			const ok = verdict === 'would-book' && Boolean(o.plan);
			return {
				orderNumber: String(o.order ?? o.orderNumber ?? ''),
				status: o.status || null,
				kind: (o.plan && o.plan.kind) || 'order',
				verdict,
				ok,
				plan: o.plan || null,
				code: o.code || null,
				reason: ok ? null : o.reason || o.text || null,
			};
		});
	}
	if (preview.plan) {
		return [
			{
				orderNumber: String(preview.orderNumber ?? preview.plan.orderNumber ?? ''),
				status: null,
				kind: preview.plan.kind || 'order',
				verdict: 'would-book',
				ok: true,
				plan: preview.plan,
				code: null,
				reason: null,
			},
		];
	}
	return [];
}

/**
 * The verdict of one order in the user's language (the reason of a failure stays the core's own words).
 *
 * @param {Object} o An order from `previewOrders`.
 * @return {string} e.g. "would book", "not sold yet (status pending)".
 */
export function verdictText(o) {
	switch (o.verdict) {
		case 'would-book':
			return __('would book', 'shopbooks');
		case 'already-booked':
			return __('already booked', 'shopbooks');
		case 'not-sold-yet':
			return sprintf(
				/* translators: %s: the order's status in the shop, e.g. pending */
				__('not sold yet (status %s)', 'shopbooks'),
				o.status || '?',
			);
		default:
			return o.reason || o.code || '';
	}
}

function kindLabel(kind) {
	switch (kind) {
		case 'refund':
			return __('Refund', 'shopbooks');
		case 'cancellation':
			return __('Cancellation', 'shopbooks');
		default:
			return __('Order', 'shopbooks');
	}
}

function PlanDetails({ plan, settings }) {
	const mapping = (settings && settings.mapping) || {};
	const vatMap = mapping.vatMap || {};
	const glAccounts = mapping.glAccounts || {};
	const fallback = mapping.defaultVatCode || '';
	return (
		<>
			<table className="form-table shopbooks-preview-head" role="presentation">
				<tbody>
					<tr>
						<th scope="row">{__('Reference', 'shopbooks')}</th>
						<td className="shopbooks-preview-reference">
							<code>{plan.reference}</code>
						</td>
					</tr>
					<tr>
						<th scope="row">{__('Date', 'shopbooks')}</th>
						<td>{plan.date}</td>
					</tr>
					<tr>
						<th scope="row">{__('Customer', 'shopbooks')}</th>
						<td>{customerName(plan.customer)}</td>
					</tr>
					<tr>
						<th scope="row">{__('Description', 'shopbooks')}</th>
						<td>{plan.description}</td>
					</tr>
				</tbody>
			</table>
			<table className="widefat striped shopbooks-preview-lines">
				<thead>
					<tr>
						<th scope="col">{__('Line', 'shopbooks')}</th>
						<th scope="col">{__('Account', 'shopbooks')}</th>
						<th scope="col">{__('Quantity', 'shopbooks')}</th>
						<th scope="col">{__('Net', 'shopbooks')}</th>
						<th scope="col">{__('VAT', 'shopbooks')}</th>
						<th scope="col">{__('VAT code', 'shopbooks')}</th>
					</tr>
				</thead>
				<tbody>
					{(plan.lines || []).map((l, i) => {
						const key = l.vatInfo ? l.vatInfo.key : '';
						const code = vatMap[key] || fallback;
						return (
							<tr key={i}>
								<td>{l.description}</td>
								<td>
									{roleLabel(l.role)}
									{glAccounts[l.role] ? <code> {glAccounts[l.role]}</code> : null}
								</td>
								<td>{l.quantity}</td>
								<td>{l.net}</td>
								<td>{l.vat}</td>
								<td>
									<code>{key}</code>
									{' → '}
									{code ? (
										<code>{code}</code>
									) : (
										<span className="shopbooks-field-error">
											{__('not mapped', 'shopbooks')}
										</span>
									)}
								</td>
							</tr>
						);
					})}
				</tbody>
				<tfoot>
					<tr>
						<th scope="row" colSpan={3}>
							{sprintf(
								/* translators: %s: currency code */
								__('Total (%s)', 'shopbooks'),
								plan.currency,
							)}
						</th>
						<th className="shopbooks-preview-net">{plan.totals.net}</th>
						<th className="shopbooks-preview-vat">{plan.totals.vat}</th>
						<th className="shopbooks-preview-gross">
							{sprintf(
								/* translators: %s: gross amount */
								__('incl. VAT %s', 'shopbooks'),
								plan.totals.gross,
							)}
						</th>
					</tr>
				</tfoot>
			</table>
		</>
	);
}

/**
 * Preview: what the next order would book, computed by the sync core with the saved settings.
 *
 * @param {Object} root0
 * @param {Object} root0.settings The saved settings (for the GL accounts and VAT codes of each line).
 */
export default function PreviewTab({ settings }) {
	const [preview, setPreview] = useState(null);
	const [error, setError] = useState(null);
	const [loading, setLoading] = useState(false);

	const load = useCallback(() => {
		setLoading(true);
		setError(null);
		return api
			.preview()
			.then(setPreview)
			.catch((e) => setError(errorMessage(e)))
			.finally(() => setLoading(false));
	}, []);

	useEffect(() => {
		load();
	}, [load]);

	const orders = previewOrders(preview);
	// The order shown in full: the first one the sync would book, else the first it would refuse.
	const first = orders.find((o) => o.ok) || orders[0] || null;

	return (
		<Card className="shopbooks-card shopbooks-preview">
			<CardHeader>
				<h2 className="shopbooks-card-title">{__('What the next order would book', 'shopbooks')}</h2>
				<Button
					variant="secondary"
					onClick={load}
					isBusy={loading}
					disabled={loading}
					className="shopbooks-preview-refresh"
				>
					{__('Refresh', 'shopbooks')}
				</Button>
			</CardHeader>
			<CardBody>
				{error && (
					<Notice status="error" isDismissible={false} className="shopbooks-error">
						{error}
					</Notice>
				)}
				{!preview && !error ? <Spinner /> : null}
				{preview && !preview.available ? (
					<Notice status="info" isDismissible={false} className="shopbooks-preview-unavailable">
						{preview.reason || __('No preview is available yet.', 'shopbooks')}
					</Notice>
				) : null}
				{preview && preview.available && !first ? (
					<Notice status="info" isDismissible={false} className="shopbooks-preview-empty">
						{__('There is no order to book right now.', 'shopbooks')}
					</Notice>
				) : null}
				{preview &&
					(preview.problems || []).map((p, i) => (
						<Notice
							key={`${p.code}-${i}`}
							status="warning"
							isDismissible={false}
							className={`shopbooks-preview-problem shopbooks-preview-problem-${p.code}`}
						>
							{p.message}
						</Notice>
					))}
				{preview && preview.counts ? (
					<p className="shopbooks-preview-totals">
						{sprintf(
							/* translators: 1: orders the next sync would book, 2: already booked, 3: not sold yet, 4: not booked (e.g. cancelled before booking), 5: would fail */
							__(
								'Next sync: %1$d would be booked, %2$d already booked, %3$d not sold yet, %4$d not booked, %5$d would fail.',
								'shopbooks',
							),
							preview.counts['would-book'] || 0,
							preview.counts['already-booked'] || 0,
							preview.counts['not-sold-yet'] || 0,
							(preview.counts['not-booked'] || 0) + (preview.counts.busy || 0),
							preview.counts['would-fail'] || 0,
						)}
					</p>
				) : null}
				{first ? (
					<div className="shopbooks-preview-first" data-order={first.orderNumber}>
						<p className="shopbooks-preview-summary">
							{preview.source === 'example'
								? __('No order in the shop yet; this is an example order.', 'shopbooks')
								: sprintf(
										/* translators: 1: "Order" or "Refund", 2: order number */
										__('%1$s #%2$s, as the next sync would book it:', 'shopbooks'),
										kindLabel(first.kind),
										first.orderNumber,
									)}
						</p>
						{first.ok ? (
							<PlanDetails plan={first.plan} settings={settings} />
						) : (
							<Notice
								status={first.verdict === 'would-fail' ? 'error' : 'info'}
								isDismissible={false}
								className="shopbooks-preview-refused"
							>
								{first.reason || first.code}
							</Notice>
						)}
					</div>
				) : null}
				{orders.length > 1 ? (
					<>
						<h3 className="shopbooks-preview-count">
							{sprintf(
								/* translators: %d: number of orders */
								_n(
									'%d order in this preview',
									'%d orders in this preview',
									orders.length,
									'shopbooks',
								),
								orders.length,
							)}
						</h3>
						<table className="widefat striped shopbooks-preview-orders">
							<thead>
								<tr>
									<th scope="col">{__('Order', 'shopbooks')}</th>
									<th scope="col">{__('Reference', 'shopbooks')}</th>
									<th scope="col">{__('Amount', 'shopbooks')}</th>
									<th scope="col">{__('Details', 'shopbooks')}</th>
								</tr>
							</thead>
							<tbody>
								{orders.slice(0, 50).map((o, i) => (
									<tr
										key={`${o.orderNumber}-${i}`}
										className={`is-${o.verdict} ${o.ok ? 'is-ok' : 'is-refused'}`}
									>
										<td>
											#{o.orderNumber} {o.kind !== 'order' ? kindLabel(o.kind) : ''}
										</td>
										<td>{o.plan ? <code>{o.plan.reference}</code> : '—'}</td>
										<td>{o.plan ? `${o.plan.currency} ${o.plan.totals.gross}` : ''}</td>
										<td className={o.verdict === 'would-fail' ? 'shopbooks-field-error' : ''}>
											{verdictText(o)}
										</td>
									</tr>
								))}
							</tbody>
						</table>
					</>
				) : null}
			</CardBody>
		</Card>
	);
}
