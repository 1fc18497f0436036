import { useCallback, useEffect, useState } from '@wordpress/element';
import {
	Button,
	Card,
	CardBody,
	CardFooter,
	CardHeader,
	Notice,
	SelectControl,
	Spinner,
	TextControl,
} from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';

import { api, errorMessage, fieldErrors } from '../api';

/** The VAT keys every Dutch shop meets (see sync-core/src/plan/vat.ts). */
export const COMMON_VAT_KEYS = [
	'domestic:21',
	'domestic:9',
	'domestic:0',
	'reverse_charge:0',
	'export:0',
	'exempt:0',
];

/** The same rule the server applies to a VAT key. */
export const VAT_KEY_PATTERN =
	/^(domestic|reverse_charge|export|exempt):\d+(\.\d+)?$|^oss:[A-Z]{2}:\d+(\.\d+)?$/;

const GL_ROLES = ['revenue', 'shipping', 'fees', 'discount', 'rounding'];

function roleLabel(role) {
	switch (role) {
		case 'revenue':
			return __('Revenue (products)', 'shopbooks');
		case 'shipping':
			return __('Shipping costs', 'shopbooks');
		case 'fees':
			return __('Fees', 'shopbooks');
		case 'discount':
			return __('Discounts', 'shopbooks');
		case 'rounding':
			return __('Rounding differences', 'shopbooks');
		default:
			return role;
	}
}

/**
 * "domestic:21" -> "Domestic 21 %", "oss:DE:19" -> "OSS DE 19 %".
 * @param {string} key
 */
export function vatKeyLabel(key) {
	const parts = key.split(':');
	const percent = parts[parts.length - 1];
	switch (parts[0]) {
		case 'domestic':
			/* translators: %s: VAT percentage */
			return sprintf(__('Domestic %s %%', 'shopbooks'), percent);
		case 'oss':
			/* translators: 1: country code, 2: VAT percentage */
			return sprintf(__('OSS %1$s %2$s %%', 'shopbooks'), parts[1], percent);
		case 'reverse_charge':
			return __('Reverse charge (EU business)', 'shopbooks');
		case 'export':
			return __('Export outside the EU', 'shopbooks');
		case 'exempt':
			return __('Exempt / outside VAT', 'shopbooks');
		default:
			return key;
	}
}

/**
 * The percentage of a VAT key as a number, only to sort the rows (never used for money).
 *
 * @param {string} key e.g. "oss:DE:19".
 * @return {number} e.g. 19.
 */
function ratePercent(key) {
	return Number(key.split(':').pop()) || 0;
}

/**
 * Sorted union of the common keys, the shop's rates and what is mapped already.
 * @param {Object} vatMap
 * @param {Array}  rates
 */
export function vatKeysToShow(vatMap, rates) {
	const keys = new Set(COMMON_VAT_KEYS);
	(rates || []).forEach((r) => r.vatKey && keys.add(r.vatKey));
	Object.keys(vatMap || {}).forEach((k) => keys.add(k));
	const order = ['domestic', 'oss', 'reverse_charge', 'export', 'exempt'];
	return Array.from(keys).sort((a, b) => {
		const ta = order.indexOf(a.split(':')[0]);
		const tb = order.indexOf(b.split(':')[0]);
		if (ta !== tb) {
			return ta - tb;
		}
		// Within a treatment: country, then the higher rate first ("domestic:21" before "domestic:9").
		const ca = a.split(':').slice(1, -1).join(':');
		const cb = b.split(':').slice(1, -1).join(':');
		if (ca !== cb) {
			return ca < cb ? -1 : 1;
		}
		return ratePercent(b) - ratePercent(a);
	});
}

function rowState(value, codes) {
	if (!value) {
		return __('Uses the fallback', 'shopbooks');
	}
	return codes ? __('OK', 'shopbooks') : __('Not checked', 'shopbooks');
}

function CodeInput({ value, onChange, codes, className, label, showLabel }) {
	if (codes && codes.length) {
		const options = [{ value: '', label: __('— not mapped —', 'shopbooks') }].concat(
			codes.map((c) => ({
				value: String(c.code),
				label: c.description ? `${c.code} — ${c.description}` : String(c.code),
			})),
		);
		if (value && !codes.some((c) => String(c.code) === value)) {
			options.push({
				value,
				/* translators: %s: VAT code */
				label: sprintf(__('%s (unknown)', 'shopbooks'), value),
			});
		}
		return (
			<SelectControl
				label={label}
				hideLabelFromVision={!showLabel}
				value={value}
				options={options}
				onChange={onChange}
				className={className}
			/>
		);
	}
	return (
		<TextControl
			label={label}
			hideLabelFromVision={!showLabel}
			value={value}
			onChange={onChange}
			className={className}
		/>
	);
}

/**
 * Mapping: journal, GL accounts per role, and the shop's VAT rates to the target's VAT codes.
 * @param {Object}   root0
 * @param {Object}   root0.settings
 * @param {Object}   root0.connections
 * @param {Function} root0.onSaved
 */
export default function MappingTab({ settings, connections, onSaved }) {
	const isExact = settings.target === 'exact';
	const saved = settings.mapping;
	const [mapping, setMapping] = useState(() => ({
		...saved,
		vatMap: { ...(saved.vatMap || {}) },
	}));
	const [rates, setRates] = useState([]);
	const [validation, setValidation] = useState(null);
	const [validating, setValidating] = useState(false);
	const [busy, setBusy] = useState(false);
	const [notice, setNotice] = useState(null);
	const [errors, setErrors] = useState({});
	const [newKey, setNewKey] = useState('');
	const [newKeyError, setNewKeyError] = useState(null);

	const validate = useCallback(() => {
		setValidating(true);
		return api
			.validateVat()
			.then(setValidation)
			.catch((e) =>
				setValidation({
					checked: false,
					problems: [{ key: '', code: 'error', message: errorMessage(e) }],
					codes: [],
				}),
			)
			.finally(() => setValidating(false));
	}, []);

	useEffect(() => {
		api.taxRates()
			.then((r) => setRates(r.rates || []))
			.catch(() => setRates([]));
		validate();
	}, [validate]);

	const codes = validation && validation.checked ? validation.codes : null;
	const codeExists = (code) => !code || !codes || codes.some((c) => String(c.code) === code);
	const savedVatMap = saved.vatMap || {};

	/**
	 * Problems for one key: live (unknown code in the draft) first, then what the server found in the saved map.
	 * @param {string} key
	 * @param {string} value
	 */
	const problemFor = (key, value) => {
		if (errors[`mapping.vatMap.${key}`]) {
			return errors[`mapping.vatMap.${key}`];
		}
		if (!codeExists(value)) {
			return sprintf(
				/* translators: %s: VAT code */
				__('VAT code %s does not exist in the connected administration.', 'shopbooks'),
				value,
			);
		}
		if (validation && (savedVatMap[key] || '') === value) {
			const p = (validation.problems || []).find((x) => x.key === key);
			if (p) {
				return p.message;
			}
		}
		return null;
	};

	const setVat = (key) => (code) => setMapping((m) => ({ ...m, vatMap: { ...m.vatMap, [key]: code } }));
	const setGl = (role) => (code) =>
		setMapping((m) => ({
			...m,
			glAccounts: { ...m.glAccounts, [role]: code },
		}));

	const addKey = () => {
		const key = newKey.trim();
		if (!VAT_KEY_PATTERN.test(key)) {
			setNewKeyError(__('Use a VAT key like domestic:21, oss:DE:19 or export:0.', 'shopbooks'));
			return;
		}
		setNewKeyError(null);
		setMapping((m) => ({
			...m,
			vatMap: { ...m.vatMap, [key]: m.vatMap[key] || '' },
		}));
		setNewKey('');
	};

	const save = () => {
		setNotice(null);
		setErrors({});
		const vatMap = {};
		Object.keys(mapping.vatMap).forEach((k) => {
			if (mapping.vatMap[k]) {
				vatMap[k] = mapping.vatMap[k];
			}
		});
		setBusy(true);
		api.saveSettings({ mapping: { ...mapping, vatMap } })
			.then((s) => {
				onSaved(s);
				setMapping({
					...s.mapping,
					vatMap: { ...mapping.vatMap, ...(s.mapping.vatMap || {}) },
				});
				setNotice({
					status: 'success',
					text: __('Mapping saved.', 'shopbooks'),
				});
				return validate();
			})
			.catch((e) => {
				setErrors(fieldErrors(e));
				setNotice({ status: 'error', text: errorMessage(e) });
			})
			.finally(() => setBusy(false));
	};

	const keys = vatKeysToShow(mapping.vatMap, rates);
	const defaultCode = mapping.defaultVatCode || '';
	let defaultProblem = errors['mapping.defaultVatCode'] || null;
	if (!defaultProblem && !codeExists(defaultCode)) {
		defaultProblem = sprintf(
			/* translators: %s: VAT code */
			__('VAT code %s does not exist in the connected administration.', 'shopbooks'),
			defaultCode,
		);
	}
	if (!defaultProblem && validation && (saved.defaultVatCode || '') === defaultCode) {
		const p = (validation.problems || []).find((x) => x.key === 'defaultVatCode');
		defaultProblem = p ? p.message : null;
	}
	const generalProblems = validation
		? (validation.problems || []).filter(
				(p) => p.key !== 'defaultVatCode' && (!p.key || !keys.includes(p.key)),
			)
		: [];
	const targetName = isExact ? __('Exact Online', 'shopbooks') : __('Moneybird', 'shopbooks');
	const connected = Boolean(
		connections && connections[settings.target] && connections[settings.target].connected,
	);

	return (
		<div className="shopbooks-mapping">
			{notice && (
				<Notice
					status={notice.status}
					isDismissible={false}
					className={`shopbooks-notice-${notice.status}`}
				>
					{notice.text}
				</Notice>
			)}
			<Card className="shopbooks-card shopbooks-gl">
				<CardHeader>
					<h2 className="shopbooks-card-title">{__('Journal and GL accounts', 'shopbooks')}</h2>
				</CardHeader>
				<CardBody>
					{isExact && (
						<TextControl
							label={__('Sales journal', 'shopbooks')}
							value={mapping.journal}
							onChange={(v) => setMapping((m) => ({ ...m, journal: v }))}
							help={
								errors['mapping.journal'] ||
								__('The code of the Exact Online sales journal, e.g. 70.', 'shopbooks')
							}
							className="shopbooks-journal"
						/>
					)}
					<table className="form-table shopbooks-gl-table" role="presentation">
						<tbody>
							{GL_ROLES.map((role) => (
								<tr key={role}>
									<th scope="row">
										<label htmlFor={`shopbooks-gl-${role}`}>{roleLabel(role)}</label>
									</th>
									<td>
										<TextControl
											id={`shopbooks-gl-${role}`}
											label={roleLabel(role)}
											hideLabelFromVision
											value={(mapping.glAccounts || {})[role] || ''}
											onChange={setGl(role)}
											help={errors[`mapping.glAccounts.${role}`]}
											className={`shopbooks-gl-${role}`}
										/>
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</CardBody>
			</Card>

			<Card className="shopbooks-card shopbooks-vat">
				<CardHeader>
					<h2 className="shopbooks-card-title">{__('VAT codes', 'shopbooks')}</h2>
					<Button
						variant="secondary"
						isBusy={validating}
						disabled={validating}
						onClick={validate}
						className="shopbooks-vat-validate"
					>
						{__('Check VAT codes', 'shopbooks')}
					</Button>
				</CardHeader>
				<CardBody>
					<p>
						{sprintf(
							/* translators: %s: Exact Online or Moneybird */
							__('Each VAT rate of the shop is booked with a VAT code of %s.', 'shopbooks'),
							targetName,
						)}{' '}
						{codes
							? __('The codes are checked against the connected administration.', 'shopbooks')
							: __('Connect first to pick from the codes of your administration.', 'shopbooks')}
					</p>
					{validating && !validation ? <Spinner /> : null}
					{generalProblems.map((p, i) => (
						<Notice
							key={`${p.key}-${p.code}-${i}`}
							status={p.code === 'not_connected' || !connected ? 'warning' : 'error'}
							isDismissible={false}
							className={`shopbooks-vat-problem shopbooks-vat-problem-${p.code}`}
						>
							{p.message}
						</Notice>
					))}
					<table className="widefat striped shopbooks-vat-table">
						<thead>
							<tr>
								<th scope="col">{__('VAT rate', 'shopbooks')}</th>
								<th scope="col">{__('Shop tax rates', 'shopbooks')}</th>
								<th scope="col">
									{sprintf(
										/* translators: %s: Exact Online or Moneybird */
										__('VAT code in %s', 'shopbooks'),
										targetName,
									)}
								</th>
								<th scope="col">{__('Check', 'shopbooks')}</th>
							</tr>
						</thead>
						<tbody>
							{keys.map((key) => {
								const value = mapping.vatMap[key] || '';
								const problem = problemFor(key, value);
								const shopRates = rates.filter((r) => r.vatKey === key);
								return (
									<tr key={key} className="shopbooks-vat-row" data-vat-key={key}>
										<td>
											<strong>{vatKeyLabel(key)}</strong>
											<br />
											<code>{key}</code>
										</td>
										<td>
											{shopRates.length
												? shopRates
														.map(
															(r) =>
																`${r.name} (${r.country || '*'} ${r.rate} %)`,
														)
														.join(', ')
												: '—'}
										</td>
										<td>
											<CodeInput
												label={sprintf(
													/* translators: %s: VAT key */
													__('VAT code for %s', 'shopbooks'),
													key,
												)}
												value={value}
												codes={codes}
												onChange={setVat(key)}
												className="shopbooks-vat-code"
											/>
										</td>
										<td className="shopbooks-vat-check">
											{problem ? (
												<span className="shopbooks-field-error" role="alert">
													{problem}
												</span>
											) : (
												<span className="shopbooks-ok">{rowState(value, codes)}</span>
											)}
										</td>
									</tr>
								);
							})}
						</tbody>
					</table>
					<div className="shopbooks-add-key">
						<TextControl
							label={__('Add a VAT rate', 'shopbooks')}
							value={newKey}
							onChange={setNewKey}
							placeholder="oss:DE:19"
							help={
								newKeyError ? (
									<span className="shopbooks-field-error" role="alert">
										{newKeyError}
									</span>
								) : (
									__('For a rate the shop does not list yet, e.g. oss:BE:21.', 'shopbooks')
								)
							}
							className="shopbooks-new-vat-key"
						/>
						<Button variant="secondary" onClick={addKey} className="shopbooks-add-vat-key">
							{__('Add', 'shopbooks')}
						</Button>
					</div>
					<div className="shopbooks-default-vat">
						<CodeInput
							showLabel
							label={__('Fallback VAT code', 'shopbooks')}
							value={mapping.defaultVatCode || ''}
							codes={codes}
							onChange={(v) => setMapping((m) => ({ ...m, defaultVatCode: v }))}
							className="shopbooks-default-vat-code"
						/>
						<p className="description">
							{defaultProblem ||
								__(
									'Used for a rate without a code. Leave it empty to have such orders fail with a clear reason instead.',
									'shopbooks',
								)}
						</p>
					</div>
				</CardBody>
				<CardFooter>
					<Button
						variant="primary"
						isBusy={busy}
						disabled={busy}
						onClick={save}
						className="shopbooks-save-mapping"
					>
						{__('Save mapping', 'shopbooks')}
					</Button>
				</CardFooter>
			</Card>
		</div>
	);
}
