/**
 * The layer rules (.eslintrc.json, `@typescript-eslint/no-restricted-imports` per folder) bite:
 * each wrong-way import below is refused, and the allowed arrows are not. `npm run lint` runs the
 * same rules over the whole tree, so a rule that stopped matching would let these pass silently —
 * this test is what fails then.
 */
import { join } from 'node:path';

interface LintMessage { ruleId: string | null; message: string }
interface Linter { lintText(code: string, opts: { filePath: string }): Promise<Array<{ messages: LintMessage[] }>> }
// eslint 8 ships no types of its own; this is the one call the test needs.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { ESLint } = require('eslint') as { ESLint: new (opts: { cwd: string }) => Linter };

const root = join(__dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function restricted(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: join(root, file) });
  return r.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

const wrongWay: Array<[string, string, string]> = [
  ['a simulator importing the target it judges', 'sync-core/src/sandbox/exact/probe.ts', "import { createExactTarget } from '../../targets/exact';"],
  ['a simulator importing a source mapper', 'sync-core/src/sandbox/woocommerce/probe.ts', "import { mapWooOrder } from '../../sources/woocommerce/map-order';"],
  ['a simulator importing the client signer', 'sync-core/src/sandbox/ccvshop/probe.ts', "import { ccvHash } from '../../sources/ccvshop/signing';"],
  ['the engine importing a concrete store', 'sync-core/src/engine/probe.ts', "import { FileStore } from '../store/file-store';"],
  ['the engine importing a concrete target', 'sync-core/src/engine/probe.ts', "import { createMoneybirdTarget } from '../targets/moneybird';"],
  ['plan importing a source', 'sync-core/src/plan/probe.ts', "import { mapWooOrder } from '../sources/woocommerce/map-order';"],
  ['model importing plan', 'sync-core/src/model/probe.ts', "import { planOrder } from '../plan';"],
  ['a target importing the simulators', 'sync-core/src/targets/exact/probe.ts', "import { startSandbox } from '../../sandbox';"],
  ['a target importing a source', 'sync-core/src/targets/moneybird/probe.ts', "import { mapWooOrder } from '../../sources/woocommerce/map-order';"],
  ['a source importing a target', 'sync-core/src/sources/shopify/probe.ts', "import { createExactTarget } from '../../targets/exact';"],
  ['product code importing the simulators', 'sync-core/src/worker/probe.ts', "import { startSandbox } from '../sandbox';"],
  ['the CLI importing the worker', 'sync-core/src/cli/probe.ts', "import { startWorker } from '../worker';"],
  ['the CLI importing the worker command', 'sync-core/src/cli/probe.ts', "import { startWorker } from '../worker/index';"],
  ['the CLI wiring a store itself', 'sync-core/src/cli/probe.ts', "import { FileStore } from '../store/file-store';"],
  ['the CLI importing the simulators', 'sync-core/src/cli/probe.ts', "import { startSandbox } from '../sandbox';"],
  ['the worker importing the CLI', 'sync-core/src/worker/probe.ts', "import { runDemo } from '../cli/demo';"],
  ['the worker importing the composition root', 'sync-core/src/worker/probe.ts', "import { createTarget } from '../app/wiring';"],
  ['the worker importing a target', 'sync-core/src/worker/probe.ts', "import { createExactTarget } from '../targets/exact';"],
  ['the composition root importing the CLI', 'sync-core/src/app/probe.ts', "import { printJson } from '../cli/output';"],
  ['the composition root importing the fleet', 'sync-core/src/app/probe.ts', "import { startFleetWorker } from '../fleet/worker';"],
  ['the composition root importing the simulators', 'sync-core/src/app/probe.ts', "import { startSandbox } from '../sandbox';"],
  ['the reconciliation importing the plan it judges', 'sync-core/src/reconcile/probe.ts', "import { planOrder } from '../plan';"],
  ['the reconciliation importing a target', 'sync-core/src/reconcile/probe.ts', "import { createExactTarget } from '../targets/exact';"],
];

const allowed: Array<[string, string, string]> = [
  ['the engine through the store port', 'sync-core/src/engine/probe.ts', "import type { Store } from '../store/port';"],
  ['the engine wrapping the real store for a dry run', 'sync-core/src/engine/probe.ts', "import { DryRunStore } from '../store/dry-run-store';"],
  ['a target through the store port', 'sync-core/src/targets/exact/probe.ts', "import type { Store } from '../../store/port';"],
  ['a simulator using its own store', 'sync-core/src/sandbox/exact/probe.ts', "import { ExactStore } from './store';"],
  ['a simulator using decimal money', 'sync-core/src/sandbox/exact/probe.ts', "import { D } from '../../model/money';"],
  ['a test importing a simulator', 'sync-core/src/targets/exact/probe.test.ts', "import { startSandbox } from '../../sandbox';"],
  ['the CLI through the composition root', 'sync-core/src/cli/probe.ts', "import { createTarget } from '../app/wiring';"],
  ['the CLI naming a simulator type', 'sync-core/src/cli/probe.ts', "import type { SandboxOptions } from '../sandbox';"],
  ['the composition root wiring the worker', 'sync-core/src/app/probe.ts', "import { startWorker } from '../worker/index';"],
  ['the composition root wiring a store', 'sync-core/src/app/probe.ts', "import { FileStore } from '../store/file-store';"],
  ['the fleet through the composition root', 'sync-core/src/fleet/probe.ts', "import { createTarget } from '../app/wiring';"],
  ['the reconciliation reading the ledger and the books', 'sync-core/src/reconcile/probe.ts', "import { isDocumentEntry } from '../store/port';\nimport type { BooksDocument } from '../sandbox/books';"],
];

describe('layer rules', () => {
  it.each(wrongWay)('refuse %s', async (_what, file, code) => {
    expect(await restricted(file, `${code}\nexport const probe = 1;\n`)).not.toEqual([]);
  });
  it.each(allowed)('allow %s', async (_what, file, code) => {
    expect(await restricted(file, `${code}\nexport const probe = 1;\n`)).toEqual([]);
  });
});
