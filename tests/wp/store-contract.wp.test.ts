/**
 * The shared Store contract (sync-core/src/store/store-contract.ts) through WordPressStore against
 * the real plugin on a real WordPress: two adapter instances are two sync core processes.
 */
import { describeStoreContract } from '../../sync-core/src/store/store-contract';
import { WordPressStore } from '../../sync-core/src/store/wordpress-store';
import { WP_URL, api, wpEval } from './helpers';

let password: string | null = null;

async function syncUserPassword(): Promise<string> {
  if (password) return password;
  expect((await api('POST', '/connections/woocommerce')).status).toBe(200);
  password = wpEval("echo Shopbooks\\Secrets::get('sync_app_password');").trim();
  return password;
}

describeStoreContract(
  'WordPressStore (real plugin)',
  async () => {
    const applicationPassword = await syncUserPassword();
    const make = () => new WordPressStore({ url: WP_URL, username: 'shopbooks-sync', applicationPassword, lockPollMs: 20 });
    return { store: make(), other: make(), cleanup: async () => undefined };
  },
  { timeoutMs: 60_000 },
);
