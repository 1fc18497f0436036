#!/usr/bin/env node
/**
 * Translations of the settings page, without wp-cli:
 *
 *   node src/i18n/make-json.js            extract the strings of src/ into plugin/languages/shopbooks-js.pot,
 *                                         and write for every plugin/languages/shopbooks-<locale>.po the JSON file
 *                                         `wp i18n make-json` would write: shopbooks-<locale>-<md5('build/index.js')>.json
 *   node src/i18n/make-json.js --check    the same, but write nothing: exit 1 when a .po misses a translation
 *                                         of the page or a generated file is out of date
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
const POT = path.join(LANG_DIR, 'shopbooks-js.pot');

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
	const { entries, problems } = extract();
	const failures = [...problems];
	const wanted = new Map();
	wanted.set(POT, potText(entries));

	const hash = crypto.createHash('md5').update(SCRIPT).digest('hex');
	const poFiles = fs.existsSync(LANG_DIR)
		? fs.readdirSync(LANG_DIR).filter((f) => /^shopbooks-[a-z]{2,3}(_[A-Z]{2})?\.po$/.test(f))
		: [];
	for (const f of poFiles) {
		const locale = f.slice('shopbooks-'.length, -'.po'.length);
		const po = gettext.po.parse(fs.readFileSync(path.join(LANG_DIR, f)));
		const { text, missing } = jedJson(po, entries, locale);
		for (const m of missing) {
			failures.push(`${f}: no translation for ${JSON.stringify(m)}`);
		}
		wanted.set(path.join(LANG_DIR, `shopbooks-${locale}-${hash}.json`), text);
	}

	for (const [file, text] of wanted) {
		const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
		if (current === text) {
			continue;
		}
		if (check) {
			failures.push(`${path.relative(REPO, file)} is out of date: run node src/i18n/make-json.js`);
		} else {
			fs.mkdirSync(path.dirname(file), { recursive: true });
			fs.writeFileSync(file, text);
			console.log(`wrote ${path.relative(REPO, file)}`);
		}
	}
	console.log(`${entries.size} strings in src/, ${poFiles.length} translation(s)`);
	if (failures.length) {
		console.error(failures.join('\n'));
		process.exit(1);
	}
}

if (require.main === module) {
	main();
}

module.exports = { extract, jedJson, SCRIPT };
