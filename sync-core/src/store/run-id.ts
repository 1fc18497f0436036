/**
 * Run ids for stores whose runs are processes on a known host (FileStore, MemoryStore, and the
 * WordPress store, whose sync core processes run on the WordPress host).
 *
 * `${host}:${pid}:${random}`: a claim or lock held by a process that was killed on this host is
 * judged dead at once instead of after its lease. A run on another host is never judged dead here
 * (its lease decides).
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';

export function newProcessRunId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** False only for a run id of this host whose process no longer exists. */
export function processRunIsAlive(runId: string): boolean {
  const [host, pid] = runId.split(':');
  if (host !== hostname() || !/^\d+$/.test(pid ?? '')) return true;
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}
