import { useState } from '@wordpress/element';
import { Button, Modal } from '@wordpress/components';
import { __ } from '@wordpress/i18n';

/**
 * A button that asks first, in a WordPress modal, before doing something that cannot be undone.
 * @param {Object}   root0
 * @param {*}        root0.children
 * @param {string}   root0.title
 * @param {string}   root0.question
 * @param {string}   root0.confirmLabel
 * @param {Function} root0.onConfirm
 * @param {boolean}  root0.isBusy
 * @param {string}   root0.className
 * @param {boolean}  root0.isDestructive
 */
export default function ConfirmButton({
	children,
	title,
	question,
	confirmLabel,
	onConfirm,
	isBusy,
	className,
	isDestructive = true,
}) {
	const [open, setOpen] = useState(false);
	return (
		<>
			<Button
				variant="secondary"
				isDestructive={isDestructive}
				isBusy={isBusy}
				disabled={isBusy}
				className={className}
				onClick={() => setOpen(true)}
			>
				{children}
			</Button>
			{open && (
				<Modal title={title} onRequestClose={() => setOpen(false)} className="shopbooks-confirm">
					<p>{question}</p>
					<div className="shopbooks-actions">
						<Button
							variant="primary"
							isDestructive={isDestructive}
							className="shopbooks-confirm-yes"
							onClick={() => {
								setOpen(false);
								onConfirm();
							}}
						>
							{confirmLabel}
						</Button>
						<Button variant="tertiary" onClick={() => setOpen(false)}>
							{__('Cancel', 'shopbooks')}
						</Button>
					</div>
				</Modal>
			)}
		</>
	);
}
