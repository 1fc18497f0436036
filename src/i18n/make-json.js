#!/usr/bin/env node
/**
 * Translations of the plugin, without wp-cli (`wp i18n make-pot` / `make-json` / msgfmt):
 *
 *   node src/i18n/make-json.js            extract the strings of src/ (the settings page) and plugin/**.php into
 *                                         plugin/languages/shopbooks.pot, and for every plugin/languages/shopbooks-<locale>.po
 *                                         write the JSON file `wp i18n make-json` would write for the page's script,
 *                                         shopbooks-<locale>-<md5('build/index.js')>.json, and the compiled shopbooks-<locale>.mo
 *                                         that load_plugin_textdomain() reads for the PHP strings
 *   node src/i18n/make-json.js --check    write nothing; exit 1 when a .po misses a translation of the page or the
 *                                         JSON / .mo is out of date. PHP strings without a translation (the PHP side
 *                                         changes often) and a stale .pot are reported, not fatal.
 *   node src/i18n/make-json.js --update-po  also add every new msgid to each .po (empty translation) for translators
 *
 * WordPress (`load_script_textdomain`) looks for `<domain>-<locale>-<md5 of the script path relative to the
 * plugin>.json`; the script is `build/index.js`. The JSON is Jed 1.x as `wp i18n make-json` writes it.
 */
'use strict';
/* eslint-disable no-console -- a command-line tool */

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { parse } = require('@babel/parser');
const traverse = require('@babel/traverse').default;
const gettext = require('gettext-parser');

const REPO = path.resolve(__dirname, '..', '..');
const SRC = path.join(REPO, 'src');
const LANG_DIR = path.join(REPO, 'plugin', 'languages');
const DOMAIN = 'shopbooks';
const SCRIPT = 'build/index.js';
const PLUGIN = path.join(REPO, 'plugin');
const POT = path.join(LANG_DIR, 'shopbooks.pot');
/** Folders of plugin/ that hold no PHP of the plugin's own. */
const PHP_SKIP = new Set(['build', 'sync-core', 'languages', 'vendor', 'node_modules']);

/** Argument positions of each i18n function: [msgid, plural, context, domain]. */
const FUNCTIONS = {
	__: { msgid: 0, domain: 1 },
	_x: { msgid: 0, context: 1, domain: 2 },
	_n: { msgid: 0, plural: 1, domain: 3 },
	_nx: { msgid: 0, plural: 1, context: 3, domain: 4 },
};

function sourceFiles(dir) {
	return fs
		.readdirSync(dir, { withFileTypes: true })
		.flatMap((d) => {
			const p = path.join(dir, d.name);
			if (d.isDirectory()) {
				return d.name === 'i18n' || d.name === '__tests__' ? [] : sourceFiles(p);
			}
			return /\.jsx?$/.test(d.name) && !/\.test\.jsx?$/.test(d.name) ? [p] : [];
		})
		.sort();
}

function stringValue(node) {
	if (!node) {
		return undefined;
	}
	if (node.type === 'StringLiteral') {
		return node.value;
	}
	if (node.type === 'TemplateLiteral' && node.expressions.length === 0) {
		return node.quasis[0].value.cooked;
	}
	return null;
}

/**
 * Every translatable string of the page.
 *
 * @return {{ entries: Map<string, Object>, problems: string[] }} keyed by context + "\u0004" + msgid
 */
function extract() {
	const entries = new Map();
	const problems = [];
	for (const file of sourceFiles(SRC)) {
		const rel = path.relative(REPO, file);
		const code = fs.readFileSync(file, 'utf8');
		const ast = parse(code, { sourceType: 'module', plugins: ['jsx'], attachComment: true });
		const lines = code.split('\n');
		traverse(ast, {
			CallExpression(p) {
				const callee = p.node.callee;
				const name = callee.type === 'Identifier' ? callee.name : null;
				const spec = name && FUNCTIONS[name];
				if (!spec) {
					return;
				}
				const args = p.node.arguments;
				const line = p.node.loc.start.line;
				const msgid = stringValue(args[spec.msgid]);
				const plural = spec.plural !== undefined ? stringValue(args[spec.plural]) : undefined;
				const context = spec.context !== undefined ? stringValue(args[spec.context]) : undefined;
				const where = `${rel}:${line}`;
				if (!msgid || plural === null || context === null) {
					problems.push(`${where}: ${name}() needs literal strings`);
					return;
				}
				const domain = stringValue(args[spec.domain]);
				if (domain !== DOMAIN) {
					problems.push(
						`${where}: ${name}( '${msgid}' ) has text domain ${JSON.stringify(domain)}, not '${DOMAIN}'`,
					);
					return;
				}
				// "translators:" comments on the line(s) just above the call.
				let comment = '';
				for (let i = line - 2; i >= Math.max(0, line - 4); i--) {
					const m = /\/\*\s*translators:(.*?)\*\//.exec(lines[i]);
					if (m) {
						comment = `translators:${m[1]}`.trim();
						break;
					}
				}
				const key = (context ? context + '\u0004' : '') + msgid;
				const entry = entries.get(key) || { msgid, plural, context, references: [], comment: '' };
				entry.references.push(`${rel}:${line}`);
				if (comment && !entry.comment) {
					entry.comment = comment;
				}
				entries.set(key, entry);
			},
		});
	}
	return { entries, problems };
}

function phpFiles(dir) {
	return fs
		.readdirSync(dir, { withFileTypes: true })
		.flatMap((d) => {
			const p = path.join(dir, d.name);
			if (d.isDirectory()) {
				return PHP_SKIP.has(d.name) ? [] : phpFiles(p);
			}
			return d.name.endsWith('.php') ? [p] : [];
		})
		.sort();
}

/**
 * A PHP string literal's value ('…' or "…" without variables).
 *
 * @param {string} literal The literal with its quotes.
 * @return {string} its value.
 */
function phpString(literal) {
	const body = literal.slice(1, -1);
	if (literal[0] === "'") {
		return body.replace(/\\(['\\])/g, '$1');
	}
	return body.replace(/\\([nrt"\\$])/g, (m, c) => ({ n: '\n', r: '\r', t: '\t' })[c] || c);
}

const PHP_STR = `'(?:[^'\\\\]|\\\\.)*'|"(?:[^"\\\\$]|\\\\.)*"`;
/** [function names, regex of the arguments after "(", which groups hold msgid / context / plural]. */
const PHP_CALLS = [
	[
		['__', '_e', 'esc_html__', 'esc_html_e', 'esc_attr__', 'esc_attr_e'],
		`(${PHP_STR})\\s*,\\s*(${PHP_STR})`,
		{ msgid: 1, domain: 2 },
	],
	[
		['_x', '_ex', 'esc_html_x', 'esc_attr_x'],
		`(${PHP_STR})\\s*,\\s*(${PHP_STR})\\s*,\\s*(${PHP_STR})`,
		{ msgid: 1, context: 2, domain: 3 },
	],
	[
		['_n'],
		`(${PHP_STR})\\s*,\\s*(${PHP_STR})\\s*,\\s*[^;]+?,\\s*(${PHP_STR})\\s*\\)`,
		{ msgid: 1, plural: 2, domain: 3 },
	],
];

/**
 * The plugin's PHP strings of the text domain (added to `entries`).
 *
 * @param {Map} entries Entries from extract(), keyed by context + "\u0004" + msgid.
 * @return {Map} the same map, with the PHP strings added.
 */
function extractPhp(entries) {
	for (const file of phpFiles(PLUGIN)) {
		const rel = path.relative(REPO, file);
		const code = fs.readFileSync(file, 'utf8');
		for (const [names, args, g] of PHP_CALLS) {
			const re = new RegExp(`(?<![\\w>$:])(${names.join('|')})\\(\\s*${args}`, 'g');
			let m;
			while ((m = re.exec(code))) {
				const group = (i) => m[i + 1];
				if (phpString(group(g.domain)) !== DOMAIN) {
					continue;
				}
				const line = code.slice(0, m.index).split('\n').length;
				const msgid = phpString(group(g.msgid));
				const context = g.context ? phpString(group(g.context)) : undefined;
				const plural = g.plural ? phpString(group(g.plural)) : undefined;
				const before = code.slice(Math.max(0, m.index - 400), m.index);
				const tc = /\/\*\s*translators:([^*]*?)\*\/[^/]*$/.exec(before);
				const key = (context ? context + '\u0004' : '') + msgid;
				const entry = entries.get(key) || { msgid, plural, context, references: [], comment: '' };
				entry.references.push(`${rel}:${line}`);
				if (tc && !entry.comment) {
					entry.comment = `translators:${tc[1]}`.trim();
				}
				entries.set(key, entry);
			}
		}
	}
	return entries;
}

function potText(entries) {
	const translations = { '': { '': { msgid: '', msgstr: [''] } } };
	for (const e of entries.values()) {
		const ctx = e.context || '';
		translations[ctx] = translations[ctx] || {};
		translations[ctx][e.msgid] = {
			msgid: e.msgid,
			...(e.context ? { msgctxt: e.context } : {}),
			...(e.plural ? { msgid_plural: e.plural, msgstr: ['', ''] } : { msgstr: [''] }),
			comments: {
				reference: e.references.join('\n'),
				...(e.comment ? { extracted: e.comment } : {}),
			},
		};
	}
	return (
		gettext.po
			.compile(
				{
					charset: 'utf-8',
					headers: {
						'Project-Id-Version': 'Shopbooks',
						'MIME-Version': '1.0',
						'Content-Type': 'text/plain; charset=UTF-8',
						'Content-Transfer-Encoding': '8bit',
						'X-Domain': DOMAIN,
					},
					translations,
				},
				{ sort: true },
			)
			.toString('utf8') + '\n'
	);
}

/**
 * The Jed JSON for one .po, limited to the strings the page uses.
 *
 * @param {Object} po      Parsed .po (gettext-parser).
 * @param {Map}    entries The page's strings from extract().
 * @param {string} locale  e.g. "nl_NL".
 * @return {{ text: string, missing: string[] }} the JSON text and the msgids without a translation.
 */
function jedJson(po, entries, locale) {
	const headers = po.headers || {};
	const messages = {
		'': {
			domain: 'messages',
			lang: headers.Language || locale,
			'plural-forms': headers['Plural-Forms'] || 'nplurals=2; plural=(n != 1);',
		},
	};
	const missing = [];
	for (const [key, e] of entries) {
		const t = (po.translations[e.context || ''] || {})[e.msgid];
		const msgstr =
			t && t.msgstr && !(t.comments && /fuzzy/.test(t.comments.flag || '')) ? t.msgstr : null;
		if (!msgstr || msgstr.some((s) => !s) || (e.plural && msgstr.length < 2)) {
			missing.push(e.msgid);
			continue;
		}
		messages[key] = msgstr;
	}
	const json = {
		'translation-revision-date': headers['PO-Revision-Date'] || '',
		generator: 'shopbooks src/i18n/make-json.js',
		source: SCRIPT,
		domain: 'messages',
		locale_data: { messages },
	};
	return { text: JSON.stringify(json) + '\n', missing };
}

function main() {
	const check = process.argv.includes('--check');
	const updatePo = process.argv.includes('--update-po');
	const { entries, problems } = extract();
	const all = extractPhp(
		new Map(Array.from(entries, ([k, e]) => [k, { ...e, references: [...e.references] }])),
	);
	const failures = [...problems];
	const warnings = [];
	/** file -> wanted content (string or Buffer) and whether being stale is fatal in --check. */
	const wanted = new Map();
	wanted.set(POT, { content: potText(all), fatal: false });

	const hash = crypto.createHash('md5').update(SCRIPT).digest('hex');
	const poFiles = fs.existsSync(LANG_DIR)
		? fs.readdirSync(LANG_DIR).filter((f) => /^shopbooks-[a-z]{2,3}(_[A-Z]{2})?\.po$/.test(f))
		: [];
	for (const f of poFiles) {
		const locale = f.slice('shopbooks-'.length, -'.po'.length);
		const poPath = path.join(LANG_DIR, f);
		const po = gettext.po.parse(fs.readFileSync(poPath));
		const { text, missing } = jedJson(po, entries, locale);
		for (const m of missing) {
			failures.push(`${f}: no translation for ${JSON.stringify(m)} (settings page)`);
		}
		const untranslatedPhp = [];
		for (const [key, e] of all) {
			if (entries.has(key)) {
				continue;
			}
			const t = (po.translations[e.context || ''] || {})[e.msgid];
			if (!t || !t.msgstr || t.msgstr.some((x) => !x)) {
				untranslatedPhp.push(e);
			}
		}
		if (untranslatedPhp.length) {
			warnings.push(
				`${f}: ${untranslatedPhp.length} PHP string(s) without a translation (shown in English):\n` +
					untranslatedPhp.map((e) => `  ${JSON.stringify(e.msgid)}  ${e.references[0]}`).join('\n'),
			);
		}
		if (updatePo && untranslatedPhp.length && !check) {
			for (const e of untranslatedPhp) {
				const ctx = e.context || '';
				po.translations[ctx] = po.translations[ctx] || {};
				if (!po.translations[ctx][e.msgid]) {
					po.translations[ctx][e.msgid] = {
						msgid: e.msgid,
						...(e.context ? { msgctxt: e.context } : {}),
						...(e.plural ? { msgid_plural: e.plural, msgstr: ['', ''] } : { msgstr: [''] }),
						comments: {
							reference: e.references.join('\n'),
							...(e.comment ? { extracted: e.comment } : {}),
						},
					};
				}
			}
			wanted.set(poPath, {
				content: gettext.po.compile(po, { sort: true }).toString('utf8') + '\n',
				fatal: false,
			});
		}
		wanted.set(path.join(LANG_DIR, `shopbooks-${locale}-${hash}.json`), { content: text, fatal: true });
		wanted.set(path.join(LANG_DIR, `shopbooks-${locale}.mo`), {
			content: gettext.mo.compile(po),
			fatal: true,
		});
	}

	for (const [file, { content, fatal }] of wanted) {
		const current = fs.existsSync(file) ? fs.readFileSync(file) : null;
		if (current && Buffer.compare(current, Buffer.from(content)) === 0) {
			continue;
		}
		if (check) {
			(fatal ? failures : warnings).push(
				`${path.relative(REPO, file)} is out of date: run node src/i18n/make-json.js`,
			);
		} else {
			fs.mkdirSync(path.dirname(file), { recursive: true });
			fs.writeFileSync(file, content);
			console.log(`wrote ${path.relative(REPO, file)}`);
		}
	}
	console.log(
		`${entries.size} strings in src/, ${all.size - entries.size} more in plugin/*.php, ${poFiles.length} translation(s)`,
	);
	if (warnings.length) {
		console.log(`warning: ${warnings.join('\nwarning: ')}`);
	}
	if (failures.length) {
		console.error(failures.join('\n'));
		process.exit(1);
	}
}

if (require.main === module) {
	main();
}

module.exports = { extract, extractPhp, jedJson, SCRIPT };
