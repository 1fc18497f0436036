/**
 * The "registry lines" of the third target: one for the target, one for its simulated books.
 * (A real target adds the first line to targets/index.ts and the second to the sandbox.) Loaded
 * in-process by the test and with `--require` by the CLI child processes.
 */
import { addTarget } from '../../targets/index';
import { addBooksSimulator } from '../../sandbox';
import { ledgerLiteRegistration } from './ledgerlite-target';
import { startLedgerLite } from './ledgerlite-simulator';

addTarget(ledgerLiteRegistration);
addBooksSimulator({
  name: 'ledgerlite',
  label: 'LedgerLite',
  start: async (o) => {
    const sim = await startLedgerLite(o.port);
    return {
      name: 'ledgerlite',
      simulator: sim,
      targetSection: { baseUrl: sim.url, apiKey: 'ledgerlite-key-0123456789' },
      limitsNote: 'no rate limit at all',
      books: () => sim.books(),
      followUps: () => ({ open: new Map(), unallocated: 0, pdfs: new Map() }),
      customerCount: () => 0,
      stats: () => ({ requests: sim.requests, writes: sim.documents.length, tooManyRequests: 0 }),
      close: () => sim.close(),
    };
  },
});
