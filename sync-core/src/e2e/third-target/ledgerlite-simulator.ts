/**
 * LedgerLite: a tiny simulated accounting API for the third-target test. It stores documents by
 * reference, refuses a second document with a reference it already holds (409), and computes each
 * document's gross and VAT per percentage itself from the lines it was sent.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { D, fixed } from '../../model/money';
import type { BooksDocument } from '../../sandbox/books';

interface Line {
  net: string;
  vat: string;
  percent: string;
}
interface Doc {
  id: string;
  reference: string;
  kind: string;
  lines: Line[];
}

export interface LedgerLite {
  url: string;
  documents: Doc[];
  requests: number;
  books(): Map<string, BooksDocument>;
  close(): Promise<void>;
}

export async function startLedgerLite(port = 0): Promise<LedgerLite> {
  const documents: Doc[] = [];
  const sim = { documents, requests: 0 } as LedgerLite;
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    sim.requests++;
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.headers.authorization !== 'Bearer ledgerlite-key-0123456789') return send(res, 401, { error: 'unauthorized' });
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET' && url.pathname === '/documents') {
        return send(res, 200, documents.filter((d) => d.reference === url.searchParams.get('reference')));
      }
      if (req.method === 'POST' && url.pathname === '/documents') {
        const doc = JSON.parse(body) as Omit<Doc, 'id'>;
        if (!doc.reference || !Array.isArray(doc.lines)) return send(res, 422, { error: 'reference and lines are required' });
        if (documents.some((d) => d.reference === doc.reference)) return send(res, 409, { error: `reference ${doc.reference} exists` });
        const stored = { ...doc, id: String(documents.length + 1) };
        documents.push(stored);
        return send(res, 201, stored);
      }
      send(res, 404, { error: 'not found' });
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  sim.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sim.books = () => {
    const out = new Map<string, BooksDocument>();
    for (const d of documents) {
      const vat = new Map<string, InstanceType<typeof D>>();
      let gross = new D(0);
      for (const l of d.lines) {
        gross = gross.plus(l.net).plus(l.vat);
        const p = new D(l.percent).toString();
        vat.set(p, (vat.get(p) ?? new D(0)).plus(l.vat));
      }
      const prev = out.get(d.reference);
      out.set(d.reference, { reference: d.reference, kind: d.kind, id: d.id, gross: fixed(gross), vatByPercent: Object.fromEntries([...vat].map(([k, v]) => [k, fixed(v)])), count: (prev?.count ?? 0) + 1 });
    }
    return out;
  };
  sim.close = () => new Promise<void>((r) => server.close(() => r()));
  return sim;
}
