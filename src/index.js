/**
 * Entry point of the Shopbooks settings page in wp-admin (built to plugin/build/index.js).
 *
 * Runs on WordPress 6.1 and later: `@wordpress/*` imports are WordPress's own copies at run time,
 * so only APIs that exist in 6.1 are used (React 17 there: `render`, since `createRoot` is missing).
 */
import { createRoot, render } from '@wordpress/element';

import { configureApiFetch } from './api';
import App from './components/App';
import './admin.css'; // built to build/index.css, enqueued by the plugin

export const ROOT_ID = 'shopbooks-settings-root';

/**
 * Mount the page into `#shopbooks-settings-root`.
 *
 * @param {Document} doc
 * @param {Object}   boot `window.shopbooksSettings`.
 * @return {boolean} whether the root element was found.
 */
export function mount(doc, boot) {
	const el = doc.getElementById(ROOT_ID);
	if (!el) {
		return false;
	}
	configureApiFetch(boot);
	const app = <App boot={boot || {}} />;
	if (typeof createRoot === 'function') {
		createRoot(el).render(app);
	} else {
		render(app, el); // WordPress < 6.2 (React 17)
	}
	return true;
}

if (typeof document !== 'undefined') {
	const start = () => mount(document, window.shopbooksSettings);
	if (document.readyState === 'loading') {
		document.addEventListener('DOMContentLoaded', start);
	} else {
		start();
	}
}
