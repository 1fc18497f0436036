/**
 * The Dutch translation covers every string of the page, and the generated files
 * (plugin/languages/shopbooks-js.pot and the script JSON WordPress loads) are current.
 */
const { spawnSync } = require('child_process');
const path = require('path');

test('node src/i18n/make-json.js --check passes', () => {
	const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'i18n', 'make-json.js'), '--check'], {
		encoding: 'utf8',
	});
	expect(r.stderr).toBe('');
	expect(r.status).toBe(0);
});
