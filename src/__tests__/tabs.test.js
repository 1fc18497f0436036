/**
 * The tabs against a mocked `shopbooks/v1` (the browser tests in tests/browser/ use the real one).
 */
import { createRoot } from '@wordpress/element';
// React itself comes with @wordpress/element; `act` is only needed by tests.
// eslint-disable-next-line import/no-extraneous-dependencies
import { act } from 'react';
import apiFetch from '@wordpress/api-fetch';

import RulesTab from '../components/RulesTab';
import MappingTab from '../components/MappingTab';
import ConnectionTab from '../components/ConnectionTab';
import ExportCard from '../components/ExportCard';

jest.mock('@wordpress/api-fetch', () => jest.fn());

global.IS_REACT_ACT_ENVIRONMENT = true;

const SETTINGS = {
	target: 'exact',
	rules: {
		bookStatuses: ['processing', 'completed'],
		paidOnly: true,
		documentKind: 'salesEntry',
		documentState: 'final',
		startDate: '2026-01-01',
		intervalMinutes: 15,
		notifyEmail: '',
		customerMode: 'perCustomer',
		collectiveCustomer: '',
		itemMode: 'glOnly',
		referencePrefix: '',
	},
	mapping: {
		journal: '70',
		glAccounts: { revenue: '8000', shipping: '', fees: '', discount: '', rounding: '' },
		vatMap: { 'domestic:21': '2' },
		defaultVatCode: '',
	},
};

let container;
let root;

beforeEach(() => {
	apiFetch.mockReset();
	container = document.createElement('div');
	document.body.appendChild(container);
	root = createRoot(container);
});

afterEach(async () => {
	await act(async () => root.unmount());
	container.remove();
});

async function render(element) {
	await act(async () => root.render(element));
}

/**
 * Set a controlled input's value the way React notices it.
 *
 * @param {HTMLInputElement|HTMLSelectElement} input
 * @param {string}                             value
 */
async function type(input, value) {
	const proto =
		input.tagName === 'SELECT' ? window.HTMLSelectElement.prototype : window.HTMLInputElement.prototype;
	Object.getOwnPropertyDescriptor(proto, 'value').set.call(input, value);
	await act(async () => {
		input.dispatchEvent(
			new window.Event(input.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true }),
		);
	});
}

async function click(el) {
	await act(async () => {
		el.dispatchEvent(new window.MouseEvent('click', { bubbles: true }));
	});
}

const q = (sel) => container.querySelector(sel);

describe('Rules', () => {
	test('Save posts exactly the edited rules and reports success', async () => {
		const onSaved = jest.fn();
		apiFetch.mockImplementation(({ path, method, data }) => {
			expect(path).toBe('/shopbooks/v1/settings');
			expect(method).toBe('POST');
			return Promise.resolve({ ...SETTINGS, rules: data.rules });
		});
		await render(<RulesTab settings={SETTINGS} onSaved={onSaved} />);
		await click(q('.shopbooks-status-on-hold input'));
		await click(q('.shopbooks-status-processing input'));
		await type(q('.shopbooks-interval select'), '60');
		await type(q('.shopbooks-reference-prefix input'), 'WEB-');
		await type(q('.shopbooks-accepted-currencies input'), 'usd, GBP');
		await type(q('.shopbooks-discount-mode select'), 'separate');
		await click(q('.shopbooks-save-rules'));

		expect(apiFetch).toHaveBeenCalledTimes(1);
		expect(apiFetch.mock.calls[0][0].data).toEqual({
			rules: {
				...SETTINGS.rules,
				bookStatuses: ['on-hold', 'completed'],
				intervalMinutes: 60,
				referencePrefix: 'WEB-',
				acceptedCurrencies: ['USD', 'GBP'],
				discountMode: 'separate',
			},
		});
		expect(onSaved).toHaveBeenCalledWith(
			expect.objectContaining({ rules: expect.objectContaining({ intervalMinutes: 60 }) }),
		);
		expect(q('.shopbooks-notice-success .components-notice__content').textContent).toBe('Rules saved.');
	});

	test("the server's message for a field is shown next to that field", async () => {
		apiFetch.mockRejectedValue({
			code: 'rest_invalid_param',
			message: 'Some settings are not valid: rules.notifyEmail',
			data: {
				status: 400,
				params: {
					'rules.notifyEmail':
						'Enter a valid e-mail address, or leave it empty for the site admin.',
				},
			},
		});
		await render(<RulesTab settings={SETTINGS} onSaved={jest.fn()} />);
		await type(q('.shopbooks-notify-email input'), 'nope');
		await click(q('.shopbooks-save-rules'));
		expect(q('.shopbooks-notify-email .shopbooks-field-error').textContent).toMatch(/valid e-mail/);
		expect(q('.shopbooks-notice-error')).not.toBeNull();
	});

	test('no status left: refused before asking the server', async () => {
		await render(<RulesTab settings={SETTINGS} onSaved={jest.fn()} />);
		await click(q('.shopbooks-status-processing input'));
		await click(q('.shopbooks-status-completed input'));
		await click(q('.shopbooks-save-rules'));
		expect(apiFetch).not.toHaveBeenCalled();
		expect(q('.shopbooks-book-statuses .shopbooks-field-error').textContent).toMatch(/at least one/);
	});
});

describe('Mapping', () => {
	const connected = { exact: { connected: true } };
	const answer =
		(validation) =>
		({ path }) => {
			if (path === '/shopbooks/v1/mapping/tax-rates') {
				return Promise.resolve({
					woocommerceActive: true,
					rates: [{ id: 1, country: 'NL', rate: '21.0000', name: 'BTW', vatKey: 'domestic:21' }],
				});
			}
			if (path === '/shopbooks/v1/mapping/vat/validate') {
				return Promise.resolve(validation);
			}
			return Promise.reject(new Error(`unexpected ${path}`));
		};

	test("with the administration's codes: a picker per rate, and an unknown code is flagged live", async () => {
		apiFetch.mockImplementation(
			answer({
				checked: true,
				problems: [],
				codes: [
					{ code: '2', description: 'BTW hoog' },
					{ code: '1', description: 'BTW laag' },
				],
			}),
		);
		await render(
			<MappingTab
				settings={{
					...SETTINGS,
					mapping: { ...SETTINGS.mapping, vatMap: { 'domestic:21': '2', 'domestic:9': 'X9' } },
				}}
				connections={connected}
				onSaved={jest.fn()}
			/>,
		);
		const row21 = q('.shopbooks-vat-row[data-vat-key="domestic:21"]');
		expect(row21.querySelector('select').value).toBe('2');
		expect(row21.querySelector('.shopbooks-vat-check').textContent).toBe('OK');
		expect(row21.textContent).toContain('BTW (NL 21.0000 %)');
		const row9 = q('.shopbooks-vat-row[data-vat-key="domestic:9"]');
		expect(row9.querySelector('.shopbooks-field-error').textContent).toMatch(/X9 does not exist/);
		await type(row9.querySelector('select'), '1');
		expect(row9.querySelector('.shopbooks-field-error')).toBeNull();
	});

	test("not connected: free text codes and the server's reason", async () => {
		apiFetch.mockImplementation(
			answer({
				checked: false,
				problems: [
					{
						key: '',
						code: 'not_connected',
						message: 'Connect Exact Online and choose an administration first.',
					},
				],
				codes: [],
			}),
		);
		await render(
			<MappingTab
				settings={SETTINGS}
				connections={{ exact: { connected: false } }}
				onSaved={jest.fn()}
			/>,
		);
		expect(q('.shopbooks-vat-row[data-vat-key="domestic:21"] input').value).toBe('2');
		expect(q('.shopbooks-vat-problem-not_connected').textContent).toMatch(/Connect Exact Online/);
	});

	test('an invalid new VAT key is refused; a valid one adds a row', async () => {
		apiFetch.mockImplementation(answer({ checked: false, problems: [], codes: [] }));
		await render(<MappingTab settings={SETTINGS} connections={connected} onSaved={jest.fn()} />);
		await type(q('.shopbooks-new-vat-key input'), 'oss-de-19');
		await click(q('.shopbooks-add-vat-key'));
		expect(q('.shopbooks-new-vat-key .shopbooks-field-error')).not.toBeNull();
		expect(q('.shopbooks-vat-row[data-vat-key="oss-de-19"]')).toBeNull();
		await type(q('.shopbooks-new-vat-key input'), 'oss:DE:19');
		await click(q('.shopbooks-add-vat-key'));
		expect(q('.shopbooks-vat-row[data-vat-key="oss:DE:19"]')).not.toBeNull();
	});
});

describe('Connection', () => {
	const connections = {
		exact: {
			connected: false,
			authorized: false,
			clientIdSet: false,
			secretSet: true,
			secretHint: '••••ab12',
			redirectUri: 'http://site/wp-json/shopbooks/v1/connections/exact/callback',
		},
		moneybird: { connected: false, tokenSet: false },
		woocommerce: { connected: false },
	};

	test('Exact: a saved secret shows only as "set" with its hint; Connect needs the client ID', async () => {
		await render(
			<ConnectionTab
				settings={SETTINGS}
				connections={connections}
				onSettingsSaved={jest.fn()}
				setConnections={jest.fn()}
			/>,
		);
		expect(q('.shopbooks-exact-client-secret').textContent).toBe('Client secretset••••ab12');
		expect(q('.shopbooks-exact-client-secret-input input').value).toBe('');
		await click(q('.shopbooks-exact-connect'));
		expect(apiFetch).not.toHaveBeenCalled();
		expect(q('.shopbooks-exact .shopbooks-error').textContent).toMatch(/client ID/);
	});

	test('Exact: Connect sends country and client ID, and no secret when one is saved', async () => {
		apiFetch.mockRejectedValue({
			code: 'rest_invalid_param',
			message: 'The client ID of an Exact app looks like a GUID.',
		});
		await render(
			<ConnectionTab
				settings={SETTINGS}
				connections={connections}
				onSettingsSaved={jest.fn()}
				setConnections={jest.fn()}
			/>,
		);
		await type(q('.shopbooks-exact-country select'), 'BE');
		await type(q('.shopbooks-exact-client-id-input input'), ' abc ');
		await click(q('.shopbooks-exact-connect'));
		expect(apiFetch).toHaveBeenCalledWith({
			path: '/shopbooks/v1/connections/exact',
			method: 'POST',
			data: { country: 'BE', clientId: 'abc' },
		});
		expect(q('.shopbooks-exact .shopbooks-error').textContent).toMatch(/GUID/);
	});

	test('choosing Moneybird saves the target', async () => {
		const onSettingsSaved = jest.fn();
		apiFetch.mockImplementation(({ data }) => Promise.resolve({ ...SETTINGS, target: data.target }));
		await render(
			<ConnectionTab
				settings={SETTINGS}
				connections={connections}
				onSettingsSaved={onSettingsSaved}
				setConnections={jest.fn()}
			/>,
		);
		await type(q('.shopbooks-target-select select'), 'moneybird');
		expect(apiFetch).toHaveBeenCalledWith({
			path: '/shopbooks/v1/settings',
			method: 'POST',
			data: { target: 'moneybird' },
		});
		expect(onSettingsSaved).toHaveBeenCalledWith(expect.objectContaining({ target: 'moneybird' }));
	});

	test('switching systems after bookings asks what to do with the history, then saves the choice', async () => {
		const onSettingsSaved = jest.fn();
		apiFetch.mockImplementation(({ data }) =>
			data.switch
				? Promise.resolve({ ...SETTINGS, target: data.target })
				: Promise.reject({
						code: 'shopbooks_switch_needs_choice',
						message: '3 orders are booked in Exact Online and stay there.',
						data: { status: 409 },
					}),
		);
		await render(
			<ConnectionTab
				settings={SETTINGS}
				connections={connections}
				onSettingsSaved={onSettingsSaved}
				setConnections={jest.fn()}
			/>,
		);
		await type(q('.shopbooks-target-select select'), 'moneybird');
		expect(onSettingsSaved).not.toHaveBeenCalled();
		expect(q('.shopbooks-switch').textContent).toContain('3 orders are booked in Exact Online and stay there.');
		await type(q('.shopbooks-switch-date input'), '2026-01-01');
		await click(q('.shopbooks-switch-from-date'));
		expect(apiFetch).toHaveBeenLastCalledWith({
			path: '/shopbooks/v1/settings',
			method: 'POST',
			data: { target: 'moneybird', switch: { history: 'fromDate', fromDate: '2026-01-01' } },
		});
		expect(onSettingsSaved).toHaveBeenCalledWith(expect.objectContaining({ target: 'moneybird' }));
	});
});

describe('Export for the accountant', () => {
	test('Download asks GET /export/exact-xml for the window, saves the XML as a file and reports the summary', async () => {
		apiFetch.mockImplementation(({ path }) => {
			expect(path).toBe('/shopbooks/v1/export/exact-xml?since=2026-03-01&until=2026-04-01');
			return Promise.resolve({
				available: true,
				filename: 'shopbooks-exact-2026-03-01-2026-04-01.xml',
				xml: '<?xml version="1.0"?><eExact/>',
				summary: { entries: { order: 3, refund: 1, cancellation: 0 }, accounts: 2, gross: '100.00', vat: '17.36', notExported: [] },
			});
		});
		const saved = [];
		window.URL.createObjectURL = jest.fn((blob) => {
			saved.push(blob);
			return 'blob:export';
		});
		window.URL.revokeObjectURL = jest.fn();
		const clicks = [];
		const origClick = window.HTMLAnchorElement.prototype.click;
		window.HTMLAnchorElement.prototype.click = function () {
			clicks.push(this.download);
		};
		try {
			await render(<ExportCard />);
			expect(q('.shopbooks-export-download').disabled).toBe(true);
			await type(q('.shopbooks-export-since input'), '2026-03-01');
			await type(q('.shopbooks-export-until input'), '2026-04-01');
			await click(q('.shopbooks-export-download'));
		} finally {
			window.HTMLAnchorElement.prototype.click = origClick;
		}
		expect(clicks).toEqual(['shopbooks-exact-2026-03-01-2026-04-01.xml']);
		expect(saved).toHaveLength(1);
		expect(container.textContent).toContain('3 sales entries and 1 credit note, 2 debtors; total 100.00 incl. 17.36 VAT.');
	});

	test('a refusal from the sync core is shown, and nothing is saved', async () => {
		apiFetch.mockImplementation(() => Promise.resolve({ available: false, reason: 'The Exact XML export needs the Exact Online settings.' }));
		window.URL.createObjectURL = jest.fn();
		await render(<ExportCard />);
		await type(q('.shopbooks-export-since input'), '2026-03-01');
		await click(q('.shopbooks-export-download'));
		expect(window.URL.createObjectURL).not.toHaveBeenCalled();
		expect(container.textContent).toContain('The Exact XML export needs the Exact Online settings.');
	});
});
