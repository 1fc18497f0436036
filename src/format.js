/** Display helpers. Money arrives as decimal strings from the server and is shown as-is, never parsed into floats. */

/** The page's locale as a BCP 47 tag ("nl-NL"), from `<html lang>`. */
export function pageLocale() {
	const lang =
		(typeof document !== 'undefined' && document.documentElement && document.documentElement.lang) ||
		'en-US';
	return lang.replace('_', '-');
}

/**
 * "2026-11-22T01:02:03Z" -> "22 nov 2026, 02:02" in the page's locale; '' for empty input.
 * @param {string} iso
 */
export function formatDateTime(iso) {
	if (!iso) {
		return '';
	}
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) {
		return String(iso);
	}
	try {
		return new Intl.DateTimeFormat(pageLocale(), {
			dateStyle: 'medium',
			timeStyle: 'short',
		}).format(d);
	} catch {
		return d.toISOString();
	}
}
