import { useEffect, useState } from '@wordpress/element';
import {
	Button,
	Card,
	CardBody,
	CardHeader,
	Notice,
	RadioControl,
	SelectControl,
	Spinner,
	TextControl,
} from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';

import { api, errorMessage } from '../api';
import { formatDateTime } from '../format';
import ConfirmButton from './ConfirmButton';

const EXACT_COUNTRIES = ['NL', 'BE', 'DE', 'UK', 'US', 'ES', 'FR'];

function countryLabel(code) {
	switch (code) {
		case 'NL':
			return __('Netherlands (start.exactonline.nl)', 'shopbooks');
		case 'BE':
			return __('Belgium (start.exactonline.be)', 'shopbooks');
		case 'DE':
			return __('Germany (start.exactonline.de)', 'shopbooks');
		case 'UK':
			return __('United Kingdom (start.exactonline.co.uk)', 'shopbooks');
		case 'US':
			return __('United States (start.exactonline.com)', 'shopbooks');
		case 'ES':
			return __('Spain (start.exactonline.es)', 'shopbooks');
		case 'FR':
			return __('France (start.exactonline.fr)', 'shopbooks');
		default:
			return code;
	}
}

/**
 * "Authorized by Jan Jansen on 22 Nov 2026, 02:02"
 * @param {Object} root0
 * @param {string} root0.by
 * @param {string} root0.at
 */
function Authorized({ by, at }) {
	if (!by && !at) {
		return null;
	}
	return (
		<p className="shopbooks-authorized">
			{sprintf(
				/* translators: 1: name of the user who authorized the connection, 2: date and time */
				__('Authorized by %1$s on %2$s', 'shopbooks'),
				by || __('an unknown user', 'shopbooks'),
				formatDateTime(at),
			)}
		</p>
	);
}

/**
 * One saved credential: never its value, only whether it is set and its masked hint.
 * @param {Object}  root0
 * @param {string}  root0.label
 * @param {boolean} root0.isSet
 * @param {string}  root0.hint
 * @param {string}  root0.className
 */
function SavedSecret({ label, isSet, hint, className }) {
	return (
		<tr className={className}>
			<th scope="row">{label}</th>
			<td>
				{isSet ? (
					<>
						<span className="shopbooks-secret-set">{__('set', 'shopbooks')}</span>
						{hint ? <code className="shopbooks-secret-hint">{hint}</code> : null}
					</>
				) : (
					<span className="shopbooks-secret-unset">{__('not set', 'shopbooks')}</span>
				)}
			</td>
		</tr>
	);
}

function ErrorNotice({ error }) {
	if (!error) {
		return null;
	}
	return (
		<Notice status="error" isDismissible={false} className="shopbooks-error">
			{error}
		</Notice>
	);
}

/**
 * A picker for the Exact division or Moneybird administration the orders are booked into.
 *
 * @param {Object}   props
 * @param {Function} props.load      Returns a promise of `{ value, label }[]`.
 * @param {*}        props.current   The chosen value (or null).
 * @param {Function} props.onChoose  Called with the chosen value; returns a promise.
 * @param {string}   props.label
 * @param {string}   props.className
 */
function Picker({ load, current, onChoose, label, className }) {
	const [options, setOptions] = useState(null);
	const [value, setValue] = useState(current === null || current === undefined ? '' : String(current));
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);

	useEffect(() => {
		let alive = true;
		load()
			.then((list) => {
				if (!alive) {
					return;
				}
				setOptions(list);
				if (!value && list.length) {
					const preferred = list.find((o) => o.current) || list[0];
					setValue(String(preferred.value));
				}
			})
			.catch((e) => alive && setError(errorMessage(e)));
		return () => {
			alive = false;
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, []);

	if (error) {
		return <ErrorNotice error={error} />;
	}
	if (!options) {
		return <Spinner />;
	}
	const unchanged = current !== null && current !== undefined && String(current) === value;
	return (
		<div className={`shopbooks-picker ${className}`}>
			<div className="shopbooks-picker-select">
				<SelectControl
					label={label}
					value={value}
					options={options.map((o) => ({
						value: String(o.value),
						label: o.label,
					}))}
					onChange={setValue}
				/>
			</div>
			{!unchanged && (
				<Button
					variant="primary"
					isBusy={busy}
					disabled={busy || !value}
					onClick={() => {
						setBusy(true);
						setError(null);
						onChoose(value)
							.catch((e) => setError(errorMessage(e)))
							.finally(() => setBusy(false));
					}}
				>
					{__('Use this one', 'shopbooks')}
				</Button>
			)}
		</div>
	);
}

function ExactConnection({ conn, onChanged }) {
	const authorized = Boolean(conn.connected || conn.authorizedAt);
	const [editing, setEditing] = useState(!authorized);
	const [country, setCountry] = useState(conn.country || 'NL');
	const [clientId, setClientId] = useState('');
	const [clientSecret, setClientSecret] = useState('');
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);

	const connect = () => {
		// The plugin needs the client ID on every connect (it is not secret, but it is never sent back).
		if (!clientId.trim()) {
			setError(__('Enter the client ID of your Exact Online app.', 'shopbooks'));
			return;
		}
		if (!clientSecret && !conn.secretSet) {
			setError(__('Enter the client secret of your Exact Online app.', 'shopbooks'));
			return;
		}
		const body = { country, clientId: clientId.trim() };
		if (clientSecret) {
			body.clientSecret = clientSecret;
		}
		setBusy(true);
		setError(null);
		api.connectExact(body)
			.then((res) => {
				// Forget the typed secret before leaving the page.
				setClientSecret('');
				window.location.assign(res.authorizeUrl);
			})
			.catch((e) => {
				setError(errorMessage(e));
				setBusy(false);
			});
	};

	const remove = () => {
		setBusy(true);
		setError(null);
		api.removeExact()
			.then((c) => {
				onChanged(c);
				setEditing(true);
				setClientId('');
				setClientSecret('');
			})
			.catch((e) => setError(errorMessage(e)))
			.finally(() => setBusy(false));
	};

	return (
		<Card className="shopbooks-card shopbooks-exact">
			<CardHeader>
				<h2 className="shopbooks-card-title">{__('Exact Online', 'shopbooks')}</h2>
				{conn.connected ? (
					<span className="shopbooks-badge is-connected">{__('Connected', 'shopbooks')}</span>
				) : (
					<span className="shopbooks-badge">{__('Not connected', 'shopbooks')}</span>
				)}
			</CardHeader>
			<CardBody>
				<ErrorNotice error={error} />
				<table className="form-table shopbooks-saved" role="presentation">
					<tbody>
						{conn.country ? (
							<tr>
								<th scope="row">{__('Country', 'shopbooks')}</th>
								<td>{countryLabel(conn.country)}</td>
							</tr>
						) : null}
						<SavedSecret
							label={__('Client ID', 'shopbooks')}
							isSet={conn.clientIdSet}
							hint={conn.clientIdHint}
							className="shopbooks-exact-client-id"
						/>
						<SavedSecret
							label={__('Client secret', 'shopbooks')}
							isSet={conn.secretSet}
							hint={conn.secretHint}
							className="shopbooks-exact-client-secret"
						/>
						{conn.division ? (
							<tr>
								<th scope="row">{__('Division', 'shopbooks')}</th>
								<td className="shopbooks-exact-division">
									{conn.divisionName
										? `${conn.divisionName} (${conn.division})`
										: conn.division}
								</td>
							</tr>
						) : null}
					</tbody>
				</table>
				<Authorized by={conn.authorizedBy} at={conn.authorizedAt} />

				{authorized && (
					<Picker
						className="shopbooks-division-picker"
						label={__('Division to book into', 'shopbooks')}
						current={conn.division}
						load={() =>
							api.exactDivisions().then((r) =>
								r.divisions.map((d) => ({
									value: d.code,
									label: `${d.name} (${d.code})`,
									current: d.current,
								})),
							)
						}
						onChoose={(v) => api.chooseExactDivision(Number(v)).then(onChanged)}
					/>
				)}

				{editing ? (
					<div className="shopbooks-connect-form">
						<p>
							{__(
								'Create an app in the Exact Online App Center, register the redirect URI below, and enter its client ID and secret. "Connect" takes you to Exact Online to log in and allow access.',
								'shopbooks',
							)}
						</p>
						{conn.redirectUri ? (
							<p className="shopbooks-redirect-uri">
								{__('Redirect URI:', 'shopbooks')} <code>{conn.redirectUri}</code>
							</p>
						) : null}
						<SelectControl
							label={__('Exact Online country', 'shopbooks')}
							value={country}
							options={EXACT_COUNTRIES.map((c) => ({
								value: c,
								label: countryLabel(c),
							}))}
							onChange={setCountry}
							className="shopbooks-exact-country"
						/>
						<TextControl
							label={__('Client ID', 'shopbooks')}
							value={clientId}
							onChange={setClientId}
							autoComplete="off"
							className="shopbooks-exact-client-id-input"
							help={
								conn.clientIdSet
									? __('Saved. Enter it again to connect again.', 'shopbooks')
									: undefined
							}
						/>
						<TextControl
							label={__('Client secret', 'shopbooks')}
							type="password"
							value={clientSecret}
							onChange={setClientSecret}
							autoComplete="new-password"
							className="shopbooks-exact-client-secret-input"
							help={
								conn.secretSet ? __('Saved. Leave empty to keep it.', 'shopbooks') : undefined
							}
						/>
						<div className="shopbooks-actions">
							<Button
								variant="primary"
								isBusy={busy}
								disabled={busy}
								onClick={connect}
								className="shopbooks-exact-connect"
							>
								{__('Connect', 'shopbooks')}
							</Button>
							{authorized && (
								<Button variant="tertiary" onClick={() => setEditing(false)}>
									{__('Cancel', 'shopbooks')}
								</Button>
							)}
						</div>
					</div>
				) : null}
				<div className="shopbooks-actions">
					{!editing && (
						<Button
							variant="secondary"
							onClick={() => setEditing(true)}
							className="shopbooks-exact-reconnect"
						>
							{__('Reconnect', 'shopbooks')}
						</Button>
					)}
					{(authorized || conn.clientIdSet || conn.secretSet) && (
						<ConfirmButton
							className="shopbooks-exact-remove"
							isBusy={busy}
							title={__('Remove the Exact Online connection?', 'shopbooks')}
							question={__(
								'Shopbooks forgets the client ID, the client secret and the access tokens. Orders are no longer booked until you connect again.',
								'shopbooks',
							)}
							confirmLabel={__('Remove', 'shopbooks')}
							onConfirm={remove}
						>
							{__('Remove', 'shopbooks')}
						</ConfirmButton>
					)}
				</div>
			</CardBody>
		</Card>
	);
}

function MoneybirdConnection({ conn, onChanged }) {
	const authorized = Boolean(conn.tokenSet || conn.connected);
	const [editing, setEditing] = useState(!authorized);
	const [method, setMethod] = useState(conn.method || 'token');
	const [token, setToken] = useState('');
	const [clientId, setClientId] = useState('');
	const [clientSecret, setClientSecret] = useState('');
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);

	const save = () => {
		setError(null);
		if (method === 'token') {
			if (!token.trim()) {
				setError(__('Enter a Moneybird API token.', 'shopbooks'));
				return;
			}
			setBusy(true);
			api.connectMoneybird({ token: token.trim() })
				.then((c) => {
					setToken('');
					onChanged(c);
					setEditing(false);
				})
				.catch((e) => setError(errorMessage(e)))
				.finally(() => setBusy(false));
			return;
		}
		if (!clientId.trim() || !clientSecret) {
			setError(__('Enter the client ID and secret of your Moneybird app.', 'shopbooks'));
			return;
		}
		setBusy(true);
		api.connectMoneybird({
			clientId: clientId.trim(),
			clientSecret,
		})
			.then((res) => {
				setClientSecret('');
				window.location.assign(res.authorizeUrl);
			})
			.catch((e) => {
				setError(errorMessage(e));
				setBusy(false);
			});
	};

	const remove = () => {
		setBusy(true);
		setError(null);
		api.removeMoneybird()
			.then((c) => {
				onChanged(c);
				setEditing(true);
			})
			.catch((e) => setError(errorMessage(e)))
			.finally(() => setBusy(false));
	};

	return (
		<Card className="shopbooks-card shopbooks-moneybird">
			<CardHeader>
				<h2 className="shopbooks-card-title">{__('Moneybird', 'shopbooks')}</h2>
				{conn.connected ? (
					<span className="shopbooks-badge is-connected">{__('Connected', 'shopbooks')}</span>
				) : (
					<span className="shopbooks-badge">{__('Not connected', 'shopbooks')}</span>
				)}
			</CardHeader>
			<CardBody>
				<ErrorNotice error={error} />
				<table className="form-table shopbooks-saved" role="presentation">
					<tbody>
						<SavedSecret
							label={
								conn.method === 'oauth'
									? __('OAuth access', 'shopbooks')
									: __('API token', 'shopbooks')
							}
							isSet={conn.tokenSet}
							hint={conn.secretHint}
							className="shopbooks-moneybird-token"
						/>
						{conn.administrationId ? (
							<tr>
								<th scope="row">{__('Administration', 'shopbooks')}</th>
								<td className="shopbooks-moneybird-administration">
									{conn.administrationName
										? `${conn.administrationName} (${conn.administrationId})`
										: conn.administrationId}
								</td>
							</tr>
						) : null}
					</tbody>
				</table>
				<Authorized by={conn.authorizedBy} at={conn.authorizedAt} />

				{authorized && (
					<Picker
						className="shopbooks-administration-picker"
						label={__('Administration to book into', 'shopbooks')}
						current={conn.administrationId}
						load={() =>
							api.moneybirdAdministrations().then((r) =>
								r.administrations.map((a) => ({
									value: a.id,
									label: `${a.name} (${a.id})`,
								})),
							)
						}
						onChoose={(v) => api.chooseMoneybirdAdministration(String(v)).then(onChanged)}
					/>
				)}

				{editing ? (
					<div className="shopbooks-connect-form">
						<RadioControl
							label={__('How Shopbooks signs in to Moneybird', 'shopbooks')}
							selected={method}
							options={[
								{
									value: 'token',
									label: __('API token (Moneybird → Settings → Developers)', 'shopbooks'),
								},
								{
									value: 'oauth',
									label: __('OAuth app (client ID and secret)', 'shopbooks'),
								},
							]}
							onChange={setMethod}
							className="shopbooks-moneybird-method"
						/>
						{method === 'token' ? (
							<TextControl
								label={__('API token', 'shopbooks')}
								type="password"
								value={token}
								onChange={setToken}
								autoComplete="new-password"
								className="shopbooks-moneybird-token-input"
								help={
									conn.tokenSet
										? __('A token is saved. Enter a new one to replace it.', 'shopbooks')
										: undefined
								}
							/>
						) : (
							<>
								{conn.redirectUri ? (
									<p className="shopbooks-redirect-uri">
										{__('Redirect URI:', 'shopbooks')} <code>{conn.redirectUri}</code>
									</p>
								) : null}
								<TextControl
									label={__('Client ID', 'shopbooks')}
									value={clientId}
									onChange={setClientId}
									autoComplete="off"
									className="shopbooks-moneybird-client-id-input"
								/>
								<TextControl
									label={__('Client secret', 'shopbooks')}
									type="password"
									value={clientSecret}
									onChange={setClientSecret}
									autoComplete="new-password"
									className="shopbooks-moneybird-client-secret-input"
								/>
							</>
						)}
						<div className="shopbooks-actions">
							<Button
								variant="primary"
								isBusy={busy}
								disabled={busy}
								onClick={save}
								className="shopbooks-moneybird-connect"
							>
								{method === 'token'
									? __('Save token', 'shopbooks')
									: __('Connect', 'shopbooks')}
							</Button>
							{authorized && (
								<Button variant="tertiary" onClick={() => setEditing(false)}>
									{__('Cancel', 'shopbooks')}
								</Button>
							)}
						</div>
					</div>
				) : null}
				<div className="shopbooks-actions">
					{!editing && (
						<Button
							variant="secondary"
							onClick={() => setEditing(true)}
							className="shopbooks-moneybird-reconnect"
						>
							{__('Reconnect', 'shopbooks')}
						</Button>
					)}
					{authorized && (
						<ConfirmButton
							className="shopbooks-moneybird-remove"
							isBusy={busy}
							title={__('Remove the Moneybird connection?', 'shopbooks')}
							question={__(
								'Shopbooks forgets the token and the chosen administration. Orders are no longer booked until you connect again.',
								'shopbooks',
							)}
							confirmLabel={__('Remove', 'shopbooks')}
							onConfirm={remove}
						>
							{__('Remove', 'shopbooks')}
						</ConfirmButton>
					)}
				</div>
			</CardBody>
		</Card>
	);
}

function SyncAccess({ conn, onChanged }) {
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const c = conn || {};
	return (
		<Card className="shopbooks-card shopbooks-sync-access">
			<CardHeader>
				<h2 className="shopbooks-card-title">{__('Access for the sync', 'shopbooks')}</h2>
				{c.connected ? (
					<span className="shopbooks-badge is-connected">{__('Ready', 'shopbooks')}</span>
				) : (
					<span className="shopbooks-badge">{__('Not set up', 'shopbooks')}</span>
				)}
			</CardHeader>
			<CardBody>
				<ErrorNotice error={error} />
				<p>
					{c.connected
						? sprintf(
								/* translators: %s: user login */
								__(
									'Shopbooks reads your orders as the user %s, with a password only Shopbooks knows. To take this access back, delete that user or its application password under Users.',
									'shopbooks',
								),
								c.user,
							)
						: __(
								'Shopbooks books your orders in the background, also when nobody is logged in. For that it needs a login of its own on this site. One click creates it: a user "shopbooks-sync" with a password only Shopbooks knows. You never type it, and you can take the access back at any time under Users.',
								'shopbooks',
							)}
				</p>
				<Button
					variant="secondary"
					isBusy={busy}
					disabled={busy}
					className="shopbooks-sync-access-create"
					onClick={() => {
						setBusy(true);
						setError(null);
						api.createSyncAccess()
							.then(onChanged)
							.catch((e) => setError(errorMessage(e)))
							.finally(() => setBusy(false));
					}}
				>
					{c.connected ? __('Renew access', 'shopbooks') : __('Set up access', 'shopbooks')}
				</Button>
			</CardBody>
		</Card>
	);
}

/**
 * Connection: which accounting system, and its credentials. Secrets are write-only here.
 * @param {Object}   root0
 * @param {Object}   root0.settings
 * @param {Object}   root0.connections
 * @param {Function} root0.onSettingsSaved
 * @param {Function} root0.setConnections
 */
export default function ConnectionTab({ settings, connections, onSettingsSaved, setConnections }) {
	const [savingTarget, setSavingTarget] = useState(false);
	const [error, setError] = useState(null);
	// A change of system after bookings: { to, message } until the shop owner chooses the history.
	const [pendingSwitch, setPendingSwitch] = useState(null);
	const [fromDate, setFromDate] = useState('');
	const target = settings.target;

	const chooseTarget = (next, choice) => {
		setSavingTarget(true);
		setError(null);
		api.saveSettings(choice ? { target: next, switch: choice } : { target: next })
			.then((saved) => {
				setPendingSwitch(null);
				onSettingsSaved(saved);
			})
			.catch((e) => {
				if (e && e.code === 'shopbooks_switch_needs_choice') {
					setPendingSwitch({ to: next, message: e.message });
				} else {
					setError(errorMessage(e));
				}
			})
			.finally(() => setSavingTarget(false));
	};

	const update = (system) => (conn) => setConnections((all) => ({ ...all, [system]: conn }));

	return (
		<div className="shopbooks-connection">
			<Card className="shopbooks-card shopbooks-target">
				<CardHeader>
					<h2 className="shopbooks-card-title">{__('Accounting system', 'shopbooks')}</h2>
					{savingTarget ? <Spinner /> : null}
				</CardHeader>
				<CardBody>
					<ErrorNotice error={error} />
					<SelectControl
						label={__('Book orders into', 'shopbooks')}
						value={target}
						disabled={savingTarget}
						options={[
							{ value: 'exact', label: __('Exact Online', 'shopbooks') },
							{ value: 'moneybird', label: __('Moneybird', 'shopbooks') },
						]}
						onChange={(next) => chooseTarget(next)}
						className="shopbooks-target-select"
					/>
					{pendingSwitch ? (
						<div className="shopbooks-switch">
							<Notice status="warning" isDismissible={false}>
								{pendingSwitch.message}
							</Notice>
							<TextControl
								className="shopbooks-switch-date"
								type="date"
								label={__('Book orders from this date in the new system', 'shopbooks')}
								value={fromDate}
								onChange={setFromDate}
							/>
							<Button
								variant="primary"
								className="shopbooks-switch-from-date"
								disabled={savingTarget || !fromDate}
								onClick={() => chooseTarget(pendingSwitch.to, { history: 'fromDate', fromDate })}
							>
								{__('Switch and book from this date', 'shopbooks')}
							</Button>{' '}
							<Button
								variant="secondary"
								className="shopbooks-switch-none"
								disabled={savingTarget}
								onClick={() => chooseTarget(pendingSwitch.to, { history: 'none' })}
							>
								{__('Switch and book nothing before today', 'shopbooks')}
							</Button>{' '}
							<Button variant="tertiary" onClick={() => setPendingSwitch(null)}>
								{__('Keep the current system', 'shopbooks')}
							</Button>
						</div>
					) : null}
				</CardBody>
			</Card>
			{target === 'exact' ? (
				<ExactConnection key="exact" conn={connections.exact || {}} onChanged={update('exact')} />
			) : (
				<MoneybirdConnection
					key="moneybird"
					conn={connections.moneybird || {}}
					onChanged={update('moneybird')}
				/>
			)}
			<SyncAccess conn={connections.woocommerce} onChanged={update('woocommerce')} />
		</div>
	);
}
