import { useState } from '@wordpress/element';
import {
	BaseControl,
	Button,
	Card,
	CardBody,
	CardFooter,
	CardHeader,
	CheckboxControl,
	Notice,
	SelectControl,
	TextControl,
	ToggleControl,
} from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';

import { api, errorMessage, fieldErrors } from '../api';

export const ORDER_STATUSES = [
	'pending',
	'processing',
	'on-hold',
	'completed',
	'cancelled',
	'refunded',
	'failed',
];

function statusLabel(status) {
	switch (status) {
		case 'pending':
			return __('Pending payment', 'shopbooks');
		case 'processing':
			return __('Processing', 'shopbooks');
		case 'on-hold':
			return __('On hold', 'shopbooks');
		case 'completed':
			return __('Completed', 'shopbooks');
		case 'cancelled':
			return __('Cancelled', 'shopbooks');
		case 'refunded':
			return __('Refunded', 'shopbooks');
		case 'failed':
			return __('Failed', 'shopbooks');
		default:
			return status;
	}
}

function intervalLabel(minutes) {
	switch (minutes) {
		case 60:
			return __('Every hour', 'shopbooks');
		case 360:
			return __('Every 6 hours', 'shopbooks');
		case 1440:
			return __('Once a day', 'shopbooks');
		default:
			return sprintf(
				/* translators: %d: number of minutes */
				__('Every %d minutes', 'shopbooks'),
				minutes,
			);
	}
}

const INTERVALS = [5, 15, 30, 60, 360, 1440];

/**
 * Help text, or the server's message for this field in red.
 * @param {Object} errors
 * @param {string} field
 * @param {*}      text
 */
function help(errors, field, text) {
	if (errors[field]) {
		return (
			<span className="shopbooks-field-error" role="alert">
				{errors[field]}
			</span>
		);
	}
	return text;
}

/**
 * Rules: which orders are booked, as what, how often, and who hears about failures.
 * @param {Object}   root0
 * @param {Object}   root0.settings
 * @param {Function} root0.onSaved
 */
export default function RulesTab({ settings, onSaved }) {
	const [rules, setRules] = useState(settings.rules);
	const [busy, setBusy] = useState(false);
	const [notice, setNotice] = useState(null);
	const [errors, setErrors] = useState({});
	const [backfillBusy, setBackfillBusy] = useState(false);
	const isExact = settings.target === 'exact';
	// Typed as "USD, GBP"; saved as a list.
	const [currencies, setCurrencies] = useState((settings.rules.acceptedCurrencies || []).join(', '));

	const set = (key) => (value) => setRules((r) => ({ ...r, [key]: value }));

	const known = ORDER_STATUSES.concat(rules.bookStatuses.filter((s) => !ORDER_STATUSES.includes(s)));
	const toggleStatus = (status, on) =>
		setRules((r) => ({
			...r,
			bookStatuses: on
				? known.filter((s) => s === status || r.bookStatuses.includes(s))
				: r.bookStatuses.filter((s) => s !== status),
		}));

	const save = () => {
		setNotice(null);
		setErrors({});
		if (!rules.bookStatuses.length) {
			setErrors({
				'rules.bookStatuses': __('Pick at least one order status that books an order.', 'shopbooks'),
			});
			return;
		}
		setBusy(true);
		const acceptedCurrencies = currencies
			.split(/[\s,;]+/)
			.map((c) => c.trim().toUpperCase())
			.filter(Boolean);
		api.saveSettings({ rules: { ...rules, acceptedCurrencies } })
			.then((s) => {
				onSaved(s);
				setRules(s.rules);
				setCurrencies((s.rules.acceptedCurrencies || []).join(', '));
				setNotice({
					status: 'success',
					text: __('Rules saved.', 'shopbooks'),
				});
			})
			.catch((e) => {
				setErrors(fieldErrors(e));
				setNotice({ status: 'error', text: errorMessage(e) });
			})
			.finally(() => setBusy(false));
	};

	const backfill = () => {
		setNotice(null);
		setBackfillBusy(true);
		api.backfill(settings.rules.startDate)
			.then(() =>
				setNotice({
					status: 'success',
					text: sprintf(
						/* translators: %s: date */
						__('Import of the orders since %s is scheduled. Follow it in the Log.', 'shopbooks'),
						settings.rules.startDate,
					),
				}),
			)
			.catch((e) => setNotice({ status: 'error', text: errorMessage(e) }))
			.finally(() => setBackfillBusy(false));
	};

	const documentKinds = isExact
		? [
				{ value: 'salesEntry', label: __('Sales entry in the sales journal', 'shopbooks') },
				{ value: 'invoice', label: __('Sales invoice', 'shopbooks') },
			]
		: [
				{ value: 'invoice', label: __('Sales invoice', 'shopbooks') },
				{ value: 'salesEntry', label: __('External sales invoice (booking only)', 'shopbooks') },
			];
	const stateIgnored = isExact && rules.documentKind === 'salesEntry';

	return (
		<Card className="shopbooks-card shopbooks-rules">
			<CardHeader>
				<h2 className="shopbooks-card-title">{__('Booking rules', 'shopbooks')}</h2>
			</CardHeader>
			<CardBody>
				{notice && (
					<Notice
						status={notice.status}
						isDismissible={false}
						className={`shopbooks-notice-${notice.status}`}
					>
						{notice.text}
					</Notice>
				)}
				<BaseControl
					id="shopbooks-book-statuses"
					label={__('Book an order when its status becomes', 'shopbooks')}
					help={help(
						errors,
						'rules.bookStatuses',
						__('Refunds are booked as credit notes for orders that were booked.', 'shopbooks'),
					)}
					className="shopbooks-book-statuses"
				>
					<div className="shopbooks-checkbox-grid">
						{known.map((s) => (
							<CheckboxControl
								key={s}
								label={statusLabel(s)}
								checked={rules.bookStatuses.includes(s)}
								onChange={(on) => toggleStatus(s, on)}
								className={`shopbooks-status-${s}`}
							/>
						))}
					</div>
				</BaseControl>
				<ToggleControl
					label={__('Only book paid orders', 'shopbooks')}
					help={__('Orders without a payment date wait until they are paid.', 'shopbooks')}
					checked={rules.paidOnly}
					onChange={set('paidOnly')}
					className="shopbooks-paid-only"
				/>
				<SelectControl
					label={__('Book orders as', 'shopbooks')}
					value={rules.documentKind}
					options={documentKinds}
					onChange={set('documentKind')}
					help={help(errors, 'rules.documentKind')}
					className="shopbooks-document-kind"
				/>
				<SelectControl
					label={__('Document state', 'shopbooks')}
					value={rules.documentState}
					options={[
						{ value: 'final', label: __('Final (sent / booked)', 'shopbooks') },
						{ value: 'draft', label: __('Draft (check before sending)', 'shopbooks') },
					]}
					onChange={set('documentState')}
					disabled={stateIgnored}
					help={help(
						errors,
						'rules.documentState',
						stateIgnored
							? __('A sales entry is always booked as final.', 'shopbooks')
							: undefined,
					)}
					className="shopbooks-document-state"
				/>
				<TextControl
					label={__('Import orders created on or after', 'shopbooks')}
					type="date"
					value={rules.startDate}
					onChange={set('startDate')}
					help={help(errors, 'rules.startDate', __('Older orders are never booked.', 'shopbooks'))}
					className="shopbooks-start-date"
				/>
				<SelectControl
					label={__('Check for new orders', 'shopbooks')}
					value={String(rules.intervalMinutes)}
					options={INTERVALS.map((m) => ({
						value: String(m),
						label: intervalLabel(m),
					}))}
					onChange={(v) => set('intervalMinutes')(Number(v))}
					help={help(
						errors,
						'rules.intervalMinutes',
						__('Orders are also booked right after their status changes.', 'shopbooks'),
					)}
					className="shopbooks-interval"
				/>
				<TextControl
					label={__('E-mail failures to', 'shopbooks')}
					type="email"
					value={rules.notifyEmail}
					onChange={set('notifyEmail')}
					placeholder={__('the site admin e-mail address', 'shopbooks')}
					help={help(
						errors,
						'rules.notifyEmail',
						__('Leave empty to use the site admin e-mail address.', 'shopbooks'),
					)}
					className="shopbooks-notify-email"
				/>
				<SelectControl
					label={__('Customers', 'shopbooks')}
					value={rules.customerMode}
					options={[
						{
							value: 'perCustomer',
							label: __('One relation per customer (matched by e-mail)', 'shopbooks'),
						},
						{
							value: 'collective',
							label: __('One collective debtor for all orders', 'shopbooks'),
						},
					]}
					onChange={set('customerMode')}
					help={help(errors, 'rules.customerMode')}
					className="shopbooks-customer-mode"
				/>
				{rules.customerMode === 'collective' && (
					<TextControl
						label={__('Collective debtor (name or code)', 'shopbooks')}
						value={rules.collectiveCustomer}
						onChange={set('collectiveCustomer')}
						help={help(errors, 'rules.collectiveCustomer')}
						className="shopbooks-collective-customer"
					/>
				)}
				<SelectControl
					label={__('Order lines', 'shopbooks')}
					value={rules.itemMode}
					options={[
						{ value: 'glOnly', label: __('Book on GL accounts only', 'shopbooks') },
						{ value: 'items', label: __('Match or create items by SKU', 'shopbooks') },
					]}
					onChange={set('itemMode')}
					help={help(errors, 'rules.itemMode')}
					className="shopbooks-item-mode"
				/>
				<TextControl
					label={__('Reference prefix', 'shopbooks')}
					value={rules.referencePrefix}
					maxLength={10}
					onChange={set('referencePrefix')}
					help={help(
						errors,
						'rules.referencePrefix',
						sprintf(
							/* translators: %s: example reference */
							__('Put before the order number in the reference, e.g. %s.', 'shopbooks'),
							`${rules.referencePrefix || 'WEB-'}1001`,
						),
					)}
					className="shopbooks-reference-prefix"
				/>
				<TextControl
					label={__('Accepted currencies', 'shopbooks')}
					value={currencies}
					onChange={setCurrencies}
					help={help(
						errors,
						'rules.acceptedCurrencies',
						__(
							'Orders in the shop currency are always booked. List other currencies your administration can book, e.g. USD, GBP.',
							'shopbooks',
						),
					)}
					className="shopbooks-accepted-currencies"
				/>
				<SelectControl
					label={__('Discounts', 'shopbooks')}
					value={rules.discountMode || 'netted'}
					options={[
						{ value: 'netted', label: __('In the line amounts', 'shopbooks') },
						{ value: 'separate', label: __('One discount line per VAT rate (discount account)', 'shopbooks') },
					]}
					onChange={set('discountMode')}
					help={help(errors, 'rules.discountMode')}
					className="shopbooks-discount-mode"
				/>
			</CardBody>
			<CardFooter>
				<Button
					variant="primary"
					isBusy={busy}
					disabled={busy}
					onClick={save}
					className="shopbooks-save-rules"
				>
					{__('Save rules', 'shopbooks')}
				</Button>
				<Button
					variant="secondary"
					isBusy={backfillBusy}
					disabled={backfillBusy}
					onClick={backfill}
					className="shopbooks-backfill"
				>
					{sprintf(
						/* translators: %s: the saved start date */
						__('Import orders since %s', 'shopbooks'),
						settings.rules.startDate,
					)}
				</Button>
			</CardFooter>
		</Card>
	);
}
