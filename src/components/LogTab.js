import { useCallback, useEffect, useState } from '@wordpress/element';
import {
	Button,
	Card,
	CardBody,
	CardHeader,
	Notice,
	SelectControl,
	Spinner,
	TextControl,
} from '@wordpress/components';
import { __, _n, sprintf } from '@wordpress/i18n';

import { api, errorMessage } from '../api';
import { formatDateTime } from '../format';
import ExportCard from './ExportCard';

const PER_PAGE = 20;

function statusLabel(status) {
	switch (status) {
		case 'booked':
			return __('Booked', 'shopbooks');
		case 'failed':
			return __('Failed', 'shopbooks');
		case 'skipped':
			return __('Skipped', 'shopbooks');
		case 'claimed':
			return __('In progress', 'shopbooks');
		default:
			return status;
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

function nextRunText(runs) {
	if (runs.running) {
		return __('Running now', 'shopbooks');
	}
	return runs.nextRunAt ? formatDateTime(runs.nextRunAt) : __('Not scheduled', 'shopbooks');
}

function RunsCard({ runs, onSyncNow, syncBusy, setup, onGoToTab }) {
	const last = runs && runs.lastRun;
	const result = runs && runs.lastResult;
	const running = Boolean(runs && runs.running);
	let blocked = null;
	if (setup && !setup.ready) {
		blocked = setup.reason;
	} else if (running) {
		blocked = __('A sync is running now; wait for it to finish.', 'shopbooks');
	}
	return (
		<Card className="shopbooks-card shopbooks-runs">
			<CardHeader>
				<h2 className="shopbooks-card-title">{__('Sync', 'shopbooks')}</h2>
				<Button
					variant="primary"
					isBusy={syncBusy || running}
					disabled={syncBusy || Boolean(blocked)}
					aria-describedby={blocked ? 'shopbooks-sync-blocked' : undefined}
					onClick={onSyncNow}
					className="shopbooks-sync-now"
				>
					{__('Sync now', 'shopbooks')}
				</Button>
			</CardHeader>
			<CardBody>
				{blocked ? (
					<p id="shopbooks-sync-blocked" className="shopbooks-sync-blocked">
						{blocked}{' '}
						{setup && !setup.ready && setup.reasonTab && onGoToTab ? (
							<Button variant="link" onClick={() => onGoToTab(setup.reasonTab)}>
								{__('Go there', 'shopbooks')}
							</Button>
						) : null}
					</p>
				) : null}
				{!runs ? (
					<Spinner />
				) : (
					<table className="form-table shopbooks-runs-table" role="presentation">
						<tbody>
							<tr>
								<th scope="row">{__('Last run', 'shopbooks')}</th>
								<td className="shopbooks-last-run">
									{last
										? sprintf(
												/* translators: 1: date and time, 2: booked count, 3: failed count, 4: skipped count */
												__(
													'%1$s: %2$d booked, %3$d failed, %4$d skipped',
													'shopbooks',
												),
												formatDateTime(last.finishedAt || last.startedAt),
												last.booked || 0,
												last.failed || 0,
												last.skipped || 0,
											)
										: __('Never', 'shopbooks')}
									{last && last.message ? (
										<p className="description">{last.message}</p>
									) : null}
									{result && result.error ? (
										<p className="description shopbooks-field-error">{result.error}</p>
									) : null}
								</td>
							</tr>
							<tr>
								<th scope="row">{__('Next run', 'shopbooks')}</th>
								<td className="shopbooks-next-run">
									{nextRunText(runs)}
									{runs.pastDue ? (
										<p className="description shopbooks-field-error">
											{__(
												'The scheduled run is overdue: WP-Cron only runs when the site gets visits, or when a real cron job calls wp-cron.php.',
												'shopbooks',
											)}
										</p>
									) : null}
								</td>
							</tr>
						</tbody>
					</table>
				)}
			</CardBody>
		</Card>
	);
}

/** Log: what happened to each order, with a retry for failed ones, and the sync's last and next run. */
export default function LogTab({ setup, onGoToTab } = {}) {
	const [runs, setRuns] = useState(null);
	const [ledger, setLedger] = useState(null);
	const [status, setStatus] = useState('');
	const [search, setSearch] = useState('');
	const [page, setPage] = useState(1);
	const [notice, setNotice] = useState(null);
	const [loading, setLoading] = useState(false);
	const [syncBusy, setSyncBusy] = useState(false);
	const [retrying, setRetrying] = useState({});

	const load = useCallback(() => {
		setLoading(true);
		return Promise.all([
			api.ledger({ status, search, page, perPage: PER_PAGE }).then(setLedger),
			api.runs().then(setRuns),
		])
			.catch((e) => setNotice({ status: 'error', text: errorMessage(e) }))
			.finally(() => setLoading(false));
	}, [status, search, page]);

	useEffect(() => {
		load();
	}, [load]);

	const syncNow = () => {
		setSyncBusy(true);
		setNotice(null);
		api.syncNow()
			.then(() => {
				setNotice({
					status: 'success',
					text: __(
						'A sync is scheduled to run now. Refresh the log in a minute to see the result.',
						'shopbooks',
					),
				});
				return api.runs().then(setRuns);
			})
			.catch((e) => setNotice({ status: 'error', text: errorMessage(e) }))
			.finally(() => setSyncBusy(false));
	};

	const retry = (entry) => {
		setRetrying((r) => ({ ...r, [entry.key]: true }));
		setNotice(null);
		api.retry(entry.key)
			.then((res) => {
				setNotice({
					status: 'success',
					text: sprintf(
						/* translators: %s: order number */
						__('Order %s will be tried again in the next sync, which starts now.', 'shopbooks'),
						entry.orderNumber,
					),
				});
				setLedger((l) =>
					l
						? {
								...l,
								entries: l.entries.map((e) =>
									e.key === entry.key && res && res.entry ? res.entry : e,
								),
							}
						: l,
				);
			})
			.catch((e) => setNotice({ status: 'error', text: errorMessage(e) }))
			.finally(() =>
				setRetrying((r) => {
					const next = { ...r };
					delete next[entry.key];
					return next;
				}),
			);
	};

	const counts = (ledger && ledger.counts) || {};
	const countLabel = (s, label) => (counts[s] !== undefined ? `${label} (${counts[s]})` : label);

	return (
		<div className="shopbooks-log">
			{notice && (
				<Notice
					status={notice.status}
					isDismissible={false}
					className={`shopbooks-notice-${notice.status}`}
				>
					{notice.text}
				</Notice>
			)}
			<RunsCard
				runs={runs}
				onSyncNow={syncNow}
				syncBusy={syncBusy}
				setup={setup}
				onGoToTab={onGoToTab}
			/>
			<ExportCard />
			<Card className="shopbooks-card shopbooks-ledger">
				<CardHeader>
					<h2 className="shopbooks-card-title">{__('Orders', 'shopbooks')}</h2>
					<Button
						variant="tertiary"
						onClick={load}
						isBusy={loading}
						disabled={loading}
						className="shopbooks-refresh"
					>
						{__('Refresh', 'shopbooks')}
					</Button>
				</CardHeader>
				<CardBody>
					<div className="shopbooks-filters">
						<SelectControl
							label={__('Status', 'shopbooks')}
							value={status}
							options={[
								{ value: '', label: __('All', 'shopbooks') },
								{ value: 'booked', label: countLabel('booked', statusLabel('booked')) },
								{ value: 'failed', label: countLabel('failed', statusLabel('failed')) },
								{ value: 'skipped', label: countLabel('skipped', statusLabel('skipped')) },
								{ value: 'claimed', label: countLabel('claimed', statusLabel('claimed')) },
							]}
							onChange={(v) => {
								setStatus(v);
								setPage(1);
							}}
							className="shopbooks-ledger-status"
						/>
						<TextControl
							label={__('Order number', 'shopbooks')}
							type="search"
							value={search}
							onChange={(v) => {
								setSearch(v);
								setPage(1);
							}}
							className="shopbooks-ledger-search"
						/>
					</div>
					{!ledger ? (
						<Spinner />
					) : (
						<>
							<table className="widefat striped shopbooks-ledger-table">
								<thead>
									<tr>
										<th scope="col">{__('Order', 'shopbooks')}</th>
										<th scope="col">{__('Status', 'shopbooks')}</th>
										<th scope="col">{__('Document', 'shopbooks')}</th>
										<th scope="col">{__('Amount', 'shopbooks')}</th>
										<th scope="col">{__('Details', 'shopbooks')}</th>
										<th scope="col">{__('Updated', 'shopbooks')}</th>
										<th scope="col">
											<span className="screen-reader-text">
												{__('Actions', 'shopbooks')}
											</span>
										</th>
									</tr>
								</thead>
								<tbody>
									{ledger.entries.length === 0 ? (
										<tr className="no-items">
											<td colSpan={7}>
												{__('No orders in the log yet.', 'shopbooks')}
											</td>
										</tr>
									) : (
										ledger.entries.map((e) => (
											<tr
												key={e.key}
												className={`shopbooks-ledger-row is-${e.status}`}
												data-key={e.key}
											>
												<td>
													{e.orderEditUrl ? (
														<a href={e.orderEditUrl}>#{e.orderNumber}</a>
													) : (
														`#${e.orderNumber}`
													)}
													{e.kind && e.kind !== 'order' ? (
														<span className="shopbooks-kind">
															{' '}
															{kindLabel(e.kind)}
														</span>
													) : null}
												</td>
												<td>
													<span
														className={`shopbooks-status shopbooks-status-is-${e.status}`}
													>
														{statusLabel(e.status)}
													</span>
												</td>
												<td>
													{e.documentUrl ? (
														<a
															href={e.documentUrl}
															target="_blank"
															rel="noopener noreferrer"
															className="shopbooks-document-link"
														>
															{e.documentNumber || __('Open', 'shopbooks')}
														</a>
													) : (
														e.documentNumber || '—'
													)}
												</td>
												<td>{e.gross || ''}</td>
												<td className="shopbooks-reason">
													{e.reason || ''}
													{e.status === 'failed' && e.attempts ? (
														<p className="description">
															{sprintf(
																/* translators: %d: number of attempts */
																_n(
																	'%d attempt',
																	'%d attempts',
																	e.attempts,
																	'shopbooks',
																),
																e.attempts,
															)}
															{e.nextRetryAt
																? ' · ' +
																	sprintf(
																		/* translators: %s: date and time */
																		__('next try %s', 'shopbooks'),
																		formatDateTime(e.nextRetryAt),
																	)
																: ''}
														</p>
													) : null}
												</td>
												<td>{formatDateTime(e.updatedAt)}</td>
												<td>
													{e.status === 'failed' ? (
														<Button
															variant="secondary"
															isSmall
															isBusy={Boolean(retrying[e.key])}
															disabled={Boolean(retrying[e.key])}
															onClick={() => retry(e)}
															className="shopbooks-retry"
														>
															{__('Retry', 'shopbooks')}
														</Button>
													) : null}
												</td>
											</tr>
										))
									)}
								</tbody>
							</table>
							{ledger.totalPages > 1 && (
								<div className="tablenav shopbooks-pagination">
									<Button
										variant="secondary"
										disabled={page <= 1}
										onClick={() => setPage(page - 1)}
									>
										{__('Previous', 'shopbooks')}
									</Button>
									<span className="shopbooks-page">
										{sprintf(
											/* translators: 1: current page, 2: number of pages */
											__('Page %1$d of %2$d', 'shopbooks'),
											ledger.page,
											ledger.totalPages,
										)}
									</span>
									<Button
										variant="secondary"
										disabled={page >= ledger.totalPages}
										onClick={() => setPage(page + 1)}
									>
										{__('Next', 'shopbooks')}
									</Button>
								</div>
							)}
						</>
					)}
				</CardBody>
			</Card>
		</div>
	);
}
