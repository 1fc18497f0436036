/**
 * The simulators, loaded on demand. Product code never imports `sandbox/` statically: the CLI's
 * `demo`, `sandbox` and `--sandbox` come here. In the plugin's bundle the simulators are a file of
 * their own beside the core (`shopbooks-simulators.js`, see bin/build-core.mjs) that the plugin zip
 * does not ship, so a shop's server carries none of the test world.
 */
import { ShopbooksError } from '../model/errors';

export type Simulators = typeof import('../sandbox');

export async function loadSimulators(): Promise<Simulators> {
  try {
    // require, not import(): the core is CommonJS, and under a plain `--require tsx/cjs` (tests) or
    // in the bundle a dynamic import() would go through Node's ESM resolver instead.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require('../sandbox') as Simulators;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') throw e;
    throw new ShopbooksError('ConfigInvalid', 'The simulators are not part of this build (the WordPress plugin ships without them). Run the demo and --sandbox from the repository: npx tsx bin/shopbooks.ts demo');
  }
}
