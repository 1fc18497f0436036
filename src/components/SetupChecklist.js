import { Button, Card, CardBody, CardHeader } from '@wordpress/components';
import { __ } from '@wordpress/i18n';

/**
 * First open: the few steps before Shopbooks books anything, with a link to the tab of each. Shown
 * until the books are connected, the orders readable and the mapping complete; the schedule waits
 * for the same.
 *
 * @param {Object}   props
 * @param {Object}   props.setup     From setupSteps().
 * @param {Function} props.onGoToTab Open a tab by name.
 */
export default function SetupChecklist({ setup, onGoToTab }) {
	return (
		<Card className="shopbooks-card shopbooks-setup">
			<CardHeader>
				<h2 className="shopbooks-card-title">{__('Get started', 'shopbooks')}</h2>
			</CardHeader>
			<CardBody>
				<p>
					{__(
						'Shopbooks books nothing until your books are connected and the accounts are chosen. The automatic sync starts by itself once they are.',
						'shopbooks',
					)}
				</p>
				<ol className="shopbooks-setup-steps">
					{setup.steps.map((s) => (
						<li
							key={s.key}
							className={`shopbooks-setup-step shopbooks-setup-${s.key}${
								s.done ? ' is-done' : ''
							}`}
						>
							<span className="shopbooks-setup-mark" aria-hidden="true">
								{s.done ? '✓' : '○'}
							</span>{' '}
							<Button variant="link" onClick={() => onGoToTab(s.tab)}>
								{s.title}
							</Button>
							{s.done ? (
								<span className="screen-reader-text">{__('(done)', 'shopbooks')}</span>
							) : null}
						</li>
					))}
				</ol>
			</CardBody>
		</Card>
	);
}
