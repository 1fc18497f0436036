import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWooCommerceSource } from './index';
import { WooCommerceSourceConfig } from './config';

describe("the shop's own invoice PDF (invoicePdfUrl)", () => {
  let server: Server;
  let base: string;
  const seen: Array<{ url: string; auth: string | undefined }> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization });
      const id = new URL(req.url ?? '/', 'http://x').searchParams.get('pdf-invoice');
      if (id === '404') return res.writeHead(404).end('no invoice');
      if (id === 'html') return res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>login</html>');
      if (id === 'moved') return res.writeHead(302, { Location: 'https://elsewhere.example/x.pdf' }).end();
      res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename="factuur-${id}.pdf"` }).end('%PDF-1.7\n%test\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const source = () => createWooCommerceSource({ url: base, consumerKey: 'ck_1', consumerSecret: 'cs_1', auth: 'basic', invoicePdfUrl: `${base}/?pdf-invoice={id}&n={number}`, retries: 0 });

  it('fetches the PDF per order from the template, with the shop credentials', async () => {
    const pdf = await source().invoicePdf!({ id: '42', number: 'A 42' });
    expect(pdf!.filename).toBe('factuur-42.pdf');
    expect(Buffer.from(pdf!.data).toString()).toContain('%PDF-1.7');
    const last = seen[seen.length - 1];
    expect(last.url).toBe('/?pdf-invoice=42&n=A%2042');
    expect(last.auth).toBe(`Basic ${Buffer.from('ck_1:cs_1').toString('base64')}`);
  });

  it('no invoice (404) -> null, so Shopbooks renders one; a page that is not a PDF or a redirect is a plain error', async () => {
    const s = source();
    expect(await s.invoicePdf!({ id: '404', number: '1' })).toBeNull();
    await expect(s.invoicePdf!({ id: 'html', number: '1' })).rejects.toMatchObject({ code: 'RemoteBadResponse', message: expect.stringMatching(/did not return a PDF \(text\/html\)/) });
    await expect(s.invoicePdf!({ id: 'moved', number: '1' })).rejects.toMatchObject({ code: 'ConfigInvalid' });
  });

  it('is refused on another host (the credentials go with it) and without {id}/{number}; absent by default', () => {
    expect(WooCommerceSourceConfig.safeParse({ url: base, consumerKey: 'a', consumerSecret: 'b', invoicePdfUrl: 'https://evil.example/?o={id}' }).success).toBe(false);
    expect(WooCommerceSourceConfig.safeParse({ url: base, consumerKey: 'a', consumerSecret: 'b', invoicePdfUrl: `${base}/invoice.pdf` }).success).toBe(false);
    expect(createWooCommerceSource({ url: base, consumerKey: 'a', consumerSecret: 'b', auth: 'basic' }).invoicePdf).toBeUndefined();
  });
});
