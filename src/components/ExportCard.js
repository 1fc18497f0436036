import { useState } from '@wordpress/element';
import { Button, Card, CardBody, CardHeader, Notice, TextControl } from '@wordpress/components';
import { __, _n, sprintf } from '@wordpress/i18n';

import { api, errorMessage } from '../api';

/**
 * Save a text as a file in the browser (the XML the REST route returned).
 * @param {string} filename
 * @param {string} text
 */
export function downloadText(filename, text) {
	const blob = new window.Blob([text], { type: 'application/xml' });
	const url = window.URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = filename;
	document.body.appendChild(a);
	a.click();
	a.remove();
	window.URL.revokeObjectURL(url);
}

/**
 * The one-line outcome of an export summary (`shopbooks export --json`).
 * @param {Object} summary
 * @return {string} e.g. "12 sales entries and 2 credit notes, 9 debtors; total 1234.56 incl. 210.00 VAT."
 */
export function exportSummaryText(summary) {
	const entries = (summary && summary.entries) || {};
	const sales = entries.order || 0;
	const credits = (entries.refund || 0) + (entries.cancellation || 0);
	return sprintf(
		/* translators: 1: sales entries, 2: credit notes, 3: debtors, 4: total amount, 5: VAT amount */
		__('%1$s and %2$s, %3$s; total %4$s incl. %5$s VAT.', 'shopbooks'),
		/* translators: %d: number of sales entries */
		sprintf(_n('%d sales entry', '%d sales entries', sales, 'shopbooks'), sales),
		/* translators: %d: number of credit notes */
		sprintf(_n('%d credit note', '%d credit notes', credits, 'shopbooks'), credits),
		/* translators: %d: number of debtors */
		sprintf(_n('%d debtor', '%d debtors', summary.accounts || 0, 'shopbooks'), summary.accounts || 0),
		summary.gross || '0.00',
		summary.vat || '0.00',
	);
}

/** Download the orders and refunds of a date window as an Exact Online XML import file. */
export default function ExportCard() {
	const [since, setSince] = useState('');
	const [until, setUntil] = useState('');
	const [busy, setBusy] = useState(false);
	const [notice, setNotice] = useState(null);

	const run = async () => {
		setBusy(true);
		setNotice(null);
		try {
			const r = await api.exportExactXml(since, until);
			if (!r.available) {
				setNotice({ status: 'error', text: r.reason });
				return;
			}
			downloadText(r.filename, r.xml);
			const left = (r.summary.notExported || []).length;
			setNotice({
				status: left ? 'warning' : 'success',
				text:
					exportSummaryText(r.summary) +
					(left
						? ' ' +
							sprintf(
								/* translators: %d: number of documents */
								_n(
									'%d document is not in the file; the preview shows why.',
									'%d documents are not in the file; the preview shows why.',
									left,
									'shopbooks',
								),
								left,
							)
						: ''),
			});
		} catch (e) {
			setNotice({ status: 'error', text: errorMessage(e) });
		} finally {
			setBusy(false);
		}
	};

	return (
		<Card className="shopbooks-card shopbooks-export">
			<CardHeader>
				<h2 className="shopbooks-card-title">{__('Export for the accountant', 'shopbooks')}</h2>
			</CardHeader>
			<CardBody>
				<p className="description">
					{__(
						'Download the orders and refunds booked in a period as an Exact Online XML import file (sales entries with their debtors), with the same VAT codes, GL accounts and references as the sync. Nothing is sent to Exact. Import a file once, and do not also sync the same period into the same administration.',
						'shopbooks',
					)}
				</p>
				{notice ? (
					<Notice status={notice.status} isDismissible={false}>
						{notice.text}
					</Notice>
				) : null}
				<div className="shopbooks-export-fields">
					<TextControl
						type="date"
						label={__('From (booking date)', 'shopbooks')}
						value={since}
						onChange={setSince}
						className="shopbooks-export-since"
					/>
					<TextControl
						type="date"
						label={__('Until (not included, optional)', 'shopbooks')}
						value={until}
						onChange={setUntil}
						className="shopbooks-export-until"
					/>
				</div>
				<Button
					variant="secondary"
					isBusy={busy}
					disabled={busy || !since}
					onClick={run}
					className="shopbooks-export-download"
				>
					{__('Download Exact XML', 'shopbooks')}
				</Button>
			</CardBody>
		</Card>
	);
}
