/** The webhook secret never on a command line, where every user of the server sees it (`ps`). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli } from '../e2e/harness';

jest.setTimeout(60_000);

it('`worker --webhook-secret <value>` is refused with where to put the secret instead, without echoing it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-secret-'));
  try {
    const r = await spawnCli(['worker', '--webhook-secret', 's3cret-on-argv-123'], dir).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/SHOPBOOKS_WEBHOOK_SECRET/);
    expect(r.stderr).toMatch(/--webhook-secret-stdin/);
    expect(r.stdout + r.stderr).not.toContain('s3cret-on-argv-123');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
