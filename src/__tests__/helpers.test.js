import { errorMessage, fieldErrors } from '../api';
import { VAT_KEY_PATTERN, vatKeyLabel, vatKeysToShow } from '../components/MappingTab';
import { previewOrders, verdictText } from '../components/PreviewTab';

describe('REST errors in plain words', () => {
	test('rest_invalid_param lists the field messages after the summary', () => {
		const error = {
			code: 'rest_invalid_param',
			message: 'Some settings are not valid: rules.notifyEmail',
			data: {
				status: 400,
				params: { 'rules.notifyEmail': 'Enter a valid e-mail address.' },
			},
		};
		expect(errorMessage(error)).toBe(
			'Some settings are not valid: rules.notifyEmail Enter a valid e-mail address.',
		);
		expect(fieldErrors(error)).toEqual({
			'rules.notifyEmail': 'Enter a valid e-mail address.',
		});
	});

	test('other errors keep their message and have no field errors', () => {
		const error = {
			code: 'shopbooks_token_rejected',
			message: 'Moneybird did not accept this API token.',
		};
		expect(errorMessage(error)).toBe('Moneybird did not accept this API token.');
		expect(fieldErrors(error)).toEqual({});
		expect(errorMessage(null)).toBe('');
	});
});

describe('VAT keys on the Mapping tab', () => {
	test('the same keys as sync-core/src/plan/vat.ts are accepted; others are not', () => {
		for (const key of [
			'domestic:21',
			'domestic:9',
			'domestic:0',
			'oss:DE:19',
			'oss:FR:5.5',
			'reverse_charge:0',
			'export:0',
			'exempt:0',
		]) {
			expect(VAT_KEY_PATTERN.test(key)).toBe(true);
		}
		for (const key of [
			'domestic',
			'oss:de:19',
			'oss:DE',
			'domestic:21%',
			'vat:21',
			' domestic:21',
			'oss:DEU:19',
		]) {
			expect(VAT_KEY_PATTERN.test(key)).toBe(false);
		}
	});

	test('rows: common keys, the shop rates and mapped keys, by treatment, higher rate first', () => {
		const keys = vatKeysToShow({ 'oss:DE:7': 'D7', 'domestic:9': '1' }, [
			{ vatKey: 'oss:DE:19' },
			{ vatKey: 'oss:BE:21' },
		]);
		expect(keys).toEqual([
			'domestic:21',
			'domestic:9',
			'domestic:0',
			'oss:BE:21',
			'oss:DE:19',
			'oss:DE:7',
			'reverse_charge:0',
			'export:0',
			'exempt:0',
		]);
	});

	test('labels', () => {
		expect(vatKeyLabel('domestic:21')).toBe('Domestic 21 %');
		expect(vatKeyLabel('oss:FR:5.5')).toBe('OSS FR 5.5 %');
		expect(vatKeyLabel('reverse_charge:0')).toBe('Reverse charge (EU business)');
	});
});

describe('Preview answers', () => {
	test('the sync core shape: one verdict per order, the plan of what it would book', () => {
		const plan = { kind: 'order', orderNumber: '1027', reference: 'WEB-1027' };
		const orders = previewOrders({
			available: true,
			counts: { 'would-book': 1, 'already-booked': 1, 'not-sold-yet': 1, 'would-fail': 1, 'not-booked': 0, busy: 0 },
			orders: [
				{
					order: '1002',
					status: 'processing',
					verdict: 'would-fail',
					text: 'would fail: No Exact VAT code is set for domestic:21.',
					ok: false,
					code: 'VatCodeNotMapped',
					reason: 'would fail: No Exact VAT code is set for domestic:21.',
					plan: null,
				},
				{ order: '1027', status: 'completed', verdict: 'would-book', text: 'would book order EUR 12.10', ok: true, reason: null, code: null, plan },
				{ order: '1004', status: 'pending', verdict: 'not-sold-yet', text: 'not sold yet (status pending)', ok: false, reason: 'not sold yet (status pending)', code: 'NotSoldYet', plan: null },
				{ order: '1001', status: 'completed', verdict: 'already-booked', text: 'already booked', ok: false, reason: 'already booked', code: null, plan: null },
			],
		});
		expect(orders).toEqual([
			{ orderNumber: '1002', status: 'processing', kind: 'order', verdict: 'would-fail', ok: false, plan: null, code: 'VatCodeNotMapped', reason: 'would fail: No Exact VAT code is set for domestic:21.' },
			{ orderNumber: '1027', status: 'completed', kind: 'order', verdict: 'would-book', ok: true, plan, code: null, reason: null },
			{ orderNumber: '1004', status: 'pending', kind: 'order', verdict: 'not-sold-yet', ok: false, plan: null, code: 'NotSoldYet', reason: 'not sold yet (status pending)' },
			{ orderNumber: '1001', status: 'completed', kind: 'order', verdict: 'already-booked', ok: false, plan: null, code: null, reason: 'already booked' },
		]);
		expect(orders.map(verdictText)).toEqual([
			'would fail: No Exact VAT code is set for domestic:21.',
			'would book',
			'not sold yet (status pending)',
			'already booked',
		]);
	});

	test('the documented single-plan shape, and nothing when unavailable', () => {
		const plan = { kind: 'order', orderNumber: '1234', reference: '1234' };
		expect(previewOrders({ available: true, orderNumber: '1234', source: 'latest-order', plan })).toEqual(
			[{ orderNumber: '1234', status: null, kind: 'order', verdict: 'would-book', ok: true, plan, code: null, reason: null }],
		);
		expect(previewOrders({ available: false, reason: 'Node.js was not found.' })).toEqual([]);
		expect(previewOrders(null)).toEqual([]);
	});
});

describe('Exact XML export summary', () => {
	test('counts sales entries, credit notes (refunds and cancellations) and debtors', () => {
		const { exportSummaryText } = require('../components/ExportCard');
		expect(
			exportSummaryText({ entries: { order: 12, refund: 1, cancellation: 1 }, accounts: 9, gross: '1234.56', vat: '210.00' }),
		).toBe('12 sales entries and 2 credit notes, 9 debtors; total 1234.56 incl. 210.00 VAT.');
		expect(exportSummaryText({ entries: { order: 1, refund: 0 }, accounts: 1, gross: '12.10', vat: '2.10' })).toBe(
			'1 sales entry and 0 credit notes, 1 debtor; total 12.10 incl. 2.10 VAT.',
		);
	});
});

describe('setupSteps: the first-run checklist and why Sync now waits', () => {
	const { setupSteps } = require('../setup');
	const mapped = {
		target: 'exact',
		mapping: { journal: '70', glAccounts: { revenue: '8000' }, vatMap: { 'domestic:21': '2' }, defaultVatCode: '' },
	};
	const conns = (exact, access) => ({ exact: { connected: exact }, moneybird: {}, woocommerce: { connected: access } });

	test('nothing connected: not ready, the reason names the connection', () => {
		const r = setupSteps({ target: 'exact', mapping: { glAccounts: {}, vatMap: {} } }, conns(false, false));
		expect(r.ready).toBe(false);
		expect(r.reasonTab).toBe('connection');
		expect(r.reason).toMatch(/Exact Online/);
		expect(r.steps.map((s) => s.key)).toEqual(['connect', 'access', 'map', 'rules', 'preview', 'start']);
	});
	test('connected without access, then without mapping', () => {
		expect(setupSteps(mapped, conns(true, false)).reason).toMatch(/Access for the sync/);
		const r = setupSteps({ ...mapped, mapping: { ...mapped.mapping, journal: '' } }, conns(true, true));
		expect(r.reasonTab).toBe('mapping');
		expect(r.ready).toBe(false);
	});
	test('connected, access and mapping: ready', () => {
		const r = setupSteps(mapped, conns(true, true));
		expect(r.ready).toBe(true);
		expect(r.reason).toBeNull();
		expect(r.steps.filter((s) => s.done).map((s) => s.key)).toEqual(['connect', 'access', 'map']);
	});
});
