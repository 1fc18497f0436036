import { useCallback, useEffect, useState } from '@wordpress/element';
import { Button, Card, CardBody, CardHeader, Notice, Spinner } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';

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
 * Preview: what the next order would book, computed by the sync core with the saved settings.
 * @param {Object} root0
 * @param {Object} root0.settings
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

	const vatMap = (settings && settings.mapping && settings.mapping.vatMap) || {};
	const fallback = settings && settings.mapping ? settings.mapping.defaultVatCode : '';
	const plan = preview && preview.available ? preview.plan : null;

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
				{plan ? (
					<>
						<p className="shopbooks-preview-summary">
							{preview.source === 'example'
								? __('No order in the shop yet; this is an example order.', 'shopbooks')
								: sprintf(
										/* translators: %s: order number */
										__('Based on the latest order, #%s.', 'shopbooks'),
										preview.orderNumber,
									)}
						</p>
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
												{settings.mapping.glAccounts &&
												settings.mapping.glAccounts[l.role] ? (
													<code> {settings.mapping.glAccounts[l.role]}</code>
												) : null}
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
				) : null}
			</CardBody>
		</Card>
	);
}
