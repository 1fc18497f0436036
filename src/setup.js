import { __ } from '@wordpress/i18n';

/**
 * The first-run steps (connect → access → map → rules → preview → start), which are done, and why a
 * sync cannot start yet, in a shop owner's words. From the settings and connections the page loaded.
 *
 * @param {Object} settings    GET /settings.
 * @param {Object} connections GET /connections.
 * @return {{steps: Array<{key: string, tab: string, title: string, done: boolean}>, ready: boolean, reason: string|null, reasonTab: string|null}}
 */
export function setupSteps(settings, connections) {
	const target = (settings && settings.target) || 'exact';
	const conn = (connections && connections[target]) || {};
	const mapping = (settings && settings.mapping) || {};
	const gl = mapping.glAccounts || {};
	const vat = Object.values(mapping.vatMap || {}).filter(Boolean);
	const connected = Boolean(conn.connected);
	const access = Boolean(connections && connections.woocommerce && connections.woocommerce.connected);
	const mapped =
		Boolean(gl.revenue) &&
		(vat.length > 0 || Boolean(mapping.defaultVatCode)) &&
		(target !== 'exact' || Boolean(mapping.journal));
	const system = target === 'moneybird' ? 'Moneybird' : 'Exact Online';
	const steps = [
		{
			key: 'connect',
			tab: 'connection',
			title: __('Connect your books', 'shopbooks'),
			done: connected,
		},
		{
			key: 'access',
			tab: 'connection',
			title: __('Let Shopbooks read your orders', 'shopbooks'),
			done: access,
		},
		{
			key: 'map',
			tab: 'mapping',
			title: __('Choose the accounts and VAT codes', 'shopbooks'),
			done: mapped,
		},
		{ key: 'rules', tab: 'rules', title: __('Check which orders are booked', 'shopbooks'), done: null },
		{ key: 'preview', tab: 'preview', title: __('Look at the preview', 'shopbooks'), done: null },
		{ key: 'start', tab: 'log', title: __('Start: Sync now', 'shopbooks'), done: null },
	];
	let reason = null;
	let reasonTab = null;
	if (!connected) {
		reason = `${__('Connect your books first (Connection tab):', 'shopbooks')} ${system}.`;
		reasonTab = 'connection';
	} else if (!access) {
		reason = __(
			'Let Shopbooks read your orders first (Connection tab, "Access for the sync").',
			'shopbooks',
		);
		reasonTab = 'connection';
	} else if (!mapped) {
		reason =
			target === 'exact'
				? __(
						'Choose the sales journal, the revenue account and the VAT codes first (Mapping tab).',
						'shopbooks',
					)
				: __('Choose the revenue account and the VAT codes first (Mapping tab).', 'shopbooks');
		reasonTab = 'mapping';
	}
	return { steps, ready: reason === null, reason, reasonTab };
}
