import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { FileStore, newRunId, runIsAlive } from './file-store';

const init = (k: string) => ({ key: k, kind: 'order' as const, shopId: 's', orderId: k, orderNumber: k, refundId: null, reference: k, contentHash: null });

describe('FileStore', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sb-store-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('persists entries, cursors, mappings, tokens and runs across instances', async () => {
    const a = new FileStore(dir);
    const c = await a.claim('k1', init('k1'), 'run-a', 60_000);
    expect(c.ok).toBe(true);
    await a.update('k1', { status: 'booked', documentId: 'doc-1' });
    await a.setCursor('orders', '2026-01-01T00:00:00Z');
    await a.setMapping('exact-account', 'jan@example.nl', 'guid-1');
    expect(await a.compareAndSwapToken('exact', null, { refresh: 'r1' })).toBe(true);
    const run = await a.startRun('sync');
    await a.finishRun({ ...run, booked: 1, finishedAt: new Date().toISOString() });
    const b = new FileStore(dir);
    expect(await b.getEntry('k1')).toMatchObject({ status: 'booked', documentId: 'doc-1' });
    expect(await b.getCursor('orders')).toBe('2026-01-01T00:00:00Z');
    expect(await b.getMapping('exact-account', 'jan@example.nl')).toBe('guid-1');
    expect(await b.getToken('exact')).toEqual({ value: { refresh: 'r1' }, version: 1 });
    expect((await b.listRuns(5))[0]).toMatchObject({ command: 'sync', booked: 1 });
  });

  it('a booked entry can never be claimed again; a live foreign claim blocks; a dead one does not', async () => {
    const s = new FileStore(dir);
    expect((await s.claim('k', init('k'), 'run-a', 60_000)).ok).toBe(true);
    const blocked = await s.claim('k', init('k'), 'run-b', 60_000);
    expect(blocked).toMatchObject({ ok: false, reason: 'claimed-elsewhere' });
    await s.update('k', { status: 'booked' });
    expect(await s.claim('k', init('k'), 'run-a', 60_000)).toMatchObject({ ok: false, reason: 'booked' });
    // a claim by a process that no longer exists on this host is taken over at once
    const dead = `${newRunId().split(':')[0]}:999999:dead`;
    expect(runIsAlive(dead)).toBe(false);
    expect((await s.claim('k2', init('k2'), dead, 600_000)).ok).toBe(true);
    expect((await s.claim('k2', init('k2'), 'run-c', 60_000)).ok).toBe(true);
  });

  it('compare-and-swap refuses a stale version (a rotated token is never overwritten)', async () => {
    const a = new FileStore(dir);
    const b = new FileStore(dir);
    expect(await a.compareAndSwapToken('t', null, { v: 1 })).toBe(true);
    expect(await b.compareAndSwapToken('t', 1, { v: 2 })).toBe(true);
    expect(await a.compareAndSwapToken('t', 1, { v: 'stale' })).toBe(false);
    expect(await a.getToken('t')).toEqual({ value: { v: 2 }, version: 2 });
  });

  it('ignores a torn last line left by a killed writer', async () => {
    const a = new FileStore(dir);
    await a.setCursor('c', 'one');
    appendFileSync(join(dir, 'journal.jsonl'), '{"t":"c","k":"c","v":"tw');
    const b = new FileStore(dir);
    expect(await b.getCursor('c')).toBe('one');
  });

  it('compaction keeps the state and other instances follow the new file', async () => {
    const a = new FileStore(dir);
    const b = new FileStore(dir);
    for (let i = 0; i < 50; i++) {
      await a.claim(`k${i}`, init(`k${i}`), 'r', 60_000);
      await a.update(`k${i}`, { status: 'booked', documentId: `d${i}` });
    }
    const before = readFileSync(join(dir, 'journal.jsonl'), 'utf8').split('\n').length;
    await a.compact();
    const after = readFileSync(join(dir, 'journal.jsonl'), 'utf8').split('\n').length;
    expect(after).toBeLessThan(before);
    await a.setCursor('x', 'y');
    expect(await b.getCursor('x')).toBe('y');
    expect((await b.listEntries({ status: 'booked' })).length).toBe(50);
  });

  it('withLock serialises across processes', async () => {
    const s = new FileStore(dir);
    const order: string[] = [];
    await Promise.all([
      s.withLock('L', async () => {
        order.push('a1');
        await new Promise((r) => setTimeout(r, 50));
        order.push('a2');
      }),
      s.withLock('L', async () => {
        order.push('b1');
        order.push('b2');
      }),
    ]);
    expect(order.join()).toMatch(/^(a1,a2,b1,b2|b1,b2,a1,a2)$/);
  });

  it('two processes racing for the same 150 entries claim each exactly once', async () => {
    const script = `
      const { FileStore, newRunId } = require(${JSON.stringify(join(__dirname, 'file-store.ts'))});
      (async () => {
        const s = new FileStore(process.argv[1]);
        const run = newRunId();
        const won = [];
        for (let i = 0; i < 150; i++) {
          const k = 'k' + i;
          const r = await s.claim(k, { key: k, kind: 'order', shopId: 's', orderId: k, orderNumber: k, refundId: null, reference: k, contentHash: null }, run, 600000);
          if (r.ok) { won.push(k); await s.update(k, { status: 'booked', documentId: run }); }
        }
        process.stdout.write(JSON.stringify(won));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const runOne = () =>
      new Promise<string[]>((resolve, reject) => {
        const p = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let errText = '';
        p.stdout.on('data', (d) => (out += d));
        p.stderr.on('data', (d) => (errText += d));
        p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(errText))));
      });
    const [a, b] = await Promise.all([runOne(), runOne()]);
    expect(a.length + b.length).toBe(150);
    expect(new Set([...a, ...b]).size).toBe(150);
    const s = new FileStore(dir);
    expect((await s.listEntries({ status: 'booked' })).length).toBe(150);
  }, 60_000);

  it('a lock held by a process that was killed is taken over at once, not after it goes stale', async () => {
    const script = `
      const { FileStore } = require(${JSON.stringify(join(__dirname, 'file-store.ts'))});
      setInterval(() => {}, 1000); new FileStore(process.argv[1]).withLock('run', () => { process.stdout.write('locked'); return new Promise(() => {}); });`;
    const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout!.on('data', () => resolve()));
    const s = new FileStore(dir);
    await expect(s.withLock('run', async () => 'x', { timeoutMs: 300 })).rejects.toThrow(/Another run holds the lock/);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const t0 = Date.now();
    expect(await s.withLock('run', async () => 'mine', { timeoutMs: 5000 })).toBe('mine');
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('compaction under load: several processes appending while another compacts lose nothing', async () => {
    const store = JSON.stringify(join(__dirname, 'file-store.ts'));
    // Each writer: 200 mappings and 40 entries (claim, write started, booked), as fast as it can.
    const writer = `
      const { FileStore } = require(${store});
      (async () => {
        const s = new FileStore(process.argv[1]);
        const w = process.argv[2];
        const run = 'run-' + w;
        for (let i = 0; i < 200; i++) {
          await s.setMapping('m', w + ':' + i, 'v' + i);
          if (i % 5 === 0) {
            const k = w + ':k' + i;
            await s.claim(k, { key: k, kind: 'order', shopId: 's', orderId: k, orderNumber: k, refundId: null, reference: k, contentHash: null }, run, 600000);
            await s.update(k, { writeStartedAt: new Date().toISOString() });
            await s.update(k, { status: 'booked', documentId: 'd-' + k, claimedBy: null });
          }
        }
      })().catch((e) => { console.error(e); process.exit(1); });`;
    // The compactor: compacts in a loop until the writers are done.
    const compactor = `
      const { FileStore } = require(${store});
      const { existsSync } = require('node:fs');
      (async () => {
        const s = new FileStore(process.argv[1]);
        let n = 0;
        while (!existsSync(process.argv[2])) { await s.compact(); n++; }
        process.stdout.write(String(n));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const spawnScript = (script: string, args: string[]) =>
      new Promise<string>((resolve, reject) => {
        const p = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let errText = '';
        p.stdout.on('data', (d) => (out += d));
        p.stderr.on('data', (d) => (errText += d));
        p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(errText))));
      });
    const doneFlag = join(dir, 'writers-done');
    const compacting = spawnScript(compactor, [dir, doneFlag]);
    const writers = ['a', 'b', 'c'];
    await Promise.all(writers.map((w) => spawnScript(writer, [dir, w])));
    writeFileSync(doneFlag, '');
    const compactions = Number(await compacting);
    expect(compactions).toBeGreaterThan(0);
    expect(existsSync(doneFlag)).toBe(true);
    const s = new FileStore(join(dir));
    const missing: string[] = [];
    for (const w of writers) {
      for (let i = 0; i < 200; i++) if ((await s.getMapping('m', `${w}:${i}`)) !== `v${i}`) missing.push(`mapping ${w}:${i}`);
      for (let i = 0; i < 200; i += 5) {
        const e = await s.getEntry(`${w}:k${i}`);
        if (e?.status !== 'booked' || e.documentId !== `d-${w}:k${i}` || !e.writeStartedAt) missing.push(`entry ${w}:k${i} ${e?.status ?? 'absent'}`);
      }
    }
    expect(missing).toEqual([]);
  }, 120_000);

  it('a long run keeps its lock: refreshed while held, it is never taken over as stale by another process', async () => {
    const script = `
      const { FileStore } = require(${JSON.stringify(join(__dirname, 'file-store.ts'))});
      new FileStore(process.argv[1], Date.now, { lockStaleMs: 2000 })
        .withLock('run', async () => { process.stdout.write('locked'); await new Promise((r) => setTimeout(r, 4500)); })
        .then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });`;
    const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout!.on('data', () => resolve()));
    const s = new FileStore(dir, Date.now, { lockStaleMs: 2000 });
    // well past the stale time (2 s): still held by the live, running child
    await expect(s.withLock('run', async () => 'stolen', { timeoutMs: 3500 })).rejects.toMatchObject({ code: 'Timeout' });
    await new Promise((r) => child.on('exit', r));
    expect(await s.withLock('run', async () => 'mine', { timeoutMs: 2000 })).toBe('mine');
  }, 30_000);
});
