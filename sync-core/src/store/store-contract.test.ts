import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStoreContract } from './store-contract';
import { MemoryStore } from './memory-store';
import { FileStore } from './file-store';

const deadRunId = `${hostname()}:999999:dead`;

describeStoreContract('MemoryStore', async () => ({ store: new MemoryStore(), deadRunId, cleanup: async () => undefined }));

describeStoreContract('FileStore (two instances on one directory)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-contract-'));
  return { store: new FileStore(dir), other: new FileStore(dir), deadRunId, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});
