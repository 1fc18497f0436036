// Bundle the sync core for the WordPress plugin: plugin/sync-core/shopbooks.js (the product, one
// file, no node_modules) and, beside it, plugin/sync-core/shopbooks-simulators.js (the simulators,
// for `demo`, `sandbox` and `--sandbox` from a checkout; the plugin zip does not ship it).
// The core reaches the simulators only through cli/simulators.ts, whose `import('../sandbox')` is
// rewritten here to require the separate file at run time.
import { build } from 'esbuild';
import { statSync } from 'node:fs';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', legalComments: 'none', minify: true, keepNames: true, sourcemap: false };
const simulatorsApart = {
  name: 'simulators-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/sandbox$/ }, (args) => (args.importer.endsWith('/cli/simulators.ts') ? { path: './shopbooks-simulators.js', external: true } : undefined));
  },
};
await build({ ...common, entryPoints: ['bin/shopbooks.ts'], outfile: 'plugin/sync-core/shopbooks.js', plugins: [simulatorsApart], banner: { js: '/* Shopbooks sync core (bundled). Source: sync-core/ */' } });
await build({ ...common, entryPoints: ['sync-core/src/sandbox/index.ts'], outfile: 'plugin/sync-core/shopbooks-simulators.js', banner: { js: '/* Shopbooks simulators (bundled, not shipped in the plugin zip). Source: sync-core/src/sandbox/ */' } });

const kib = (f) => Math.round(statSync(f).size / 1024);
const core = kib('plugin/sync-core/shopbooks.js');
const limit = 1536;
console.log(`built plugin/sync-core/shopbooks.js (${core} KiB, target <= ${limit} KiB) and shopbooks-simulators.js (${kib('plugin/sync-core/shopbooks-simulators.js')} KiB, not shipped)`);
if (core > limit) {
  console.error(`the bundled core is ${core} KiB, above the ${limit} KiB target: something heavy (the simulators?) is bundled into it`);
  process.exit(1);
}
