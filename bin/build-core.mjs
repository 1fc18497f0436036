// Bundle the sync core for the WordPress plugin: plugin/sync-core/shopbooks.js (the product, one
// file, no node_modules) and, beside it, plugin/sync-core/shopbooks-simulators.js (the simulators,
// for `demo`, `sandbox` and `--sandbox` from a checkout) and shopbooks-fleet.js (the hosted fleet);
// the plugin zip ships neither.
// The core reaches the simulators only through cli/simulators.ts, whose `import('../sandbox')` is
// rewritten here to require the separate file at run time.
import { build } from 'esbuild';
import { statSync } from 'node:fs';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', legalComments: 'none', minify: true, keepNames: true, sourcemap: false };
const simulatorsApart = {
  name: 'simulators-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/sandbox$/ }, (args) => (args.importer.endsWith('/cli/simulators.ts') ? { path: './shopbooks-simulators.js', external: true } : undefined));
    // the fleet (pg, pg-boss, nodemailer) is the agency's hosted worker, not the shop's: its own file
    b.onResolve({ filter: /^\.\/runtime$/ }, (args) => (args.importer.endsWith('/fleet/cli.ts') ? { path: './shopbooks-fleet.js', external: true } : undefined));
  },
};
// Weight the core does not use, left out of the shop's bundle:
// - zod's error messages in 40 languages (258 KiB): Shopbooks words its own messages from zod's
//   issue codes; zod itself needs only `en` (its default, imported by zod directly).
// - mime-db (134 KiB), the MIME table of form-data, which axios loads at start for multipart
//   uploads. The core's only uploads (Moneybird attachments) use fetch with the built-in FormData
//   and name their content type; axios never sends a form, so the table is never consulted.
const trimmed = {
  name: 'trimmed',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) => (/node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales-en', namespace: 'trimmed' } : undefined));
    b.onResolve({ filter: /^mime-db$/ }, () => ({ path: 'mime-db', namespace: 'trimmed' }));
    b.onLoad({ filter: /^zod-locales-en$/, namespace: 'trimmed' }, () => ({ contents: 'export { default as en } from "zod/v4/locales/en.js";', resolveDir: process.cwd(), loader: 'js' }));
    b.onLoad({ filter: /^mime-db$/, namespace: 'trimmed' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};
await build({ ...common, entryPoints: ['bin/shopbooks.ts'], outfile: 'plugin/sync-core/shopbooks.js', plugins: [simulatorsApart, trimmed], banner: { js: '/* Shopbooks sync core (bundled). Source: sync-core/ */' } });
await build({ ...common, entryPoints: ['sync-core/src/fleet/runtime.ts'], outfile: 'plugin/sync-core/shopbooks-fleet.js', banner: { js: '/* Shopbooks fleet runtime (bundled, not shipped in the plugin zip). Source: sync-core/src/fleet/ */' } });
await build({ ...common, entryPoints: ['sync-core/src/sandbox/index.ts'], outfile: 'plugin/sync-core/shopbooks-simulators.js', banner: { js: '/* Shopbooks simulators (bundled, not shipped in the plugin zip). Source: sync-core/src/sandbox/ */' } });

const kib = (f) => Math.round(statSync(f).size / 1024);
const core = kib('plugin/sync-core/shopbooks.js');
const limit = 1536;
console.log(`built plugin/sync-core/shopbooks.js (${core} KiB, target <= ${limit} KiB), shopbooks-simulators.js (${kib('plugin/sync-core/shopbooks-simulators.js')} KiB) and shopbooks-fleet.js (${kib('plugin/sync-core/shopbooks-fleet.js')} KiB), the last two not shipped`);
if (core > limit) {
  console.error(`the bundled core is ${core} KiB, above the ${limit} KiB target: something heavy (the simulators?) is bundled into it`);
  process.exit(1);
}
