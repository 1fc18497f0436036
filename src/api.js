/**
 * The settings page's only door to the server: `shopbooks/v1` through `@wordpress/api-fetch`.
 * Shapes are documented in docs/rest-api.md (owned by the plugin).
 */
import apiFetch from '@wordpress/api-fetch';

export const NAMESPACE = 'shopbooks/v1';

const path = (route, query) => {
	let p = `/${NAMESPACE}${route}`;
	if (query) {
		const qs = Object.keys(query)
			.filter((k) => query[k] !== undefined && query[k] !== null && query[k] !== '')
			.map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(query[k])}`)
			.join('&');
		if (qs) {
			p += `?${qs}`;
		}
	}
	return p;
};

const get = (route, query) => apiFetch({ path: path(route, query) });
const post = (route, data) => apiFetch({ path: path(route), method: 'POST', data: data || {} });
const del = (route) => apiFetch({ path: path(route), method: 'DELETE' });

/**
 * Wire `apiFetch` to the REST root and nonce the plugin printed (`window.shopbooksSettings`).
 * @param {Object} boot
 */
export function configureApiFetch(boot) {
	if (boot && boot.restRoot) {
		apiFetch.use(apiFetch.createRootURLMiddleware(boot.restRoot));
	}
	if (boot && boot.nonce) {
		apiFetch.use(apiFetch.createNonceMiddleware(boot.nonce));
	}
}

export const api = {
	status: () => get('/status'),
	getSettings: () => get('/settings'),
	saveSettings: (settings) => post('/settings', settings),
	validateVat: () => get('/mapping/vat/validate'),
	taxRates: () => get('/mapping/tax-rates'),
	preview: () => get('/preview'),

	connections: () => get('/connections'),
	connectExact: (body) => post('/connections/exact', body),
	exactDivisions: () => get('/connections/exact/divisions'),
	chooseExactDivision: (division) => post('/connections/exact/division', { division }),
	removeExact: () => del('/connections/exact'),
	connectMoneybird: (body) => post('/connections/moneybird', body),
	moneybirdAdministrations: () => get('/connections/moneybird/administrations'),
	chooseMoneybirdAdministration: (administrationId) =>
		post('/connections/moneybird/administration', { administrationId }),
	removeMoneybird: () => del('/connections/moneybird'),
	createSyncAccess: () => post('/connections/woocommerce'),

	ledger: (query) => get('/ledger', query),
	runs: () => get('/runs'),
	syncNow: () => post('/actions/sync'),
	retry: (key) => post('/actions/retry', { key }),
	backfill: (since) => post('/actions/backfill', { since }),
	exportExactXml: (since, until) => get('/export/exact-xml', { since, until }),
};

/**
 * A REST error in plain words: WordPress errors are `{ code, message, data: { params } }`;
 * `rest_invalid_param` lists the offending fields in `data.params`.
 * @param {Object} error
 */
export function errorMessage(error) {
	if (!error) {
		return '';
	}
	let message = error.message || String(error);
	const params = error.data && error.data.params;
	if (params && typeof params === 'object') {
		const details = Object.keys(params)
			.map((k) => params[k])
			.filter(Boolean);
		if (details.length) {
			message += ' ' + details.join(' ');
		}
	}
	return message;
}

/**
 * The per-field messages of a `rest_invalid_param` error, keyed like `rules.notifyEmail`.
 * @param {Object} error
 */
export function fieldErrors(error) {
	const params = error && error.data && error.data.params;
	return params && typeof params === 'object' ? params : {};
}
