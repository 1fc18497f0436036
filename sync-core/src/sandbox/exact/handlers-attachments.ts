/**
 * documents/Documents and documents/DocumentAttachments: a document (Subject, Type required) linked
 * to a financial entry by `FinancialTransactionEntryID` (picqer exact-php-client#178), and its
 * files as base64 `Attachment` + `FileName`. The request body limit of the server (38 MB, spec
 * "Restrictions") bounds an attachment; `maxAttachmentBytes` (default 38 MB decoded) too.
 */
import { randomUUID } from 'node:crypto';
import { bindEntity, requireFields } from './binding';
import { Problems } from './errors';
import type { Rec } from './odata';
import { ENTITIES } from './schema';
import { findAccount, stamp, type Ctx, type Handler } from './handlers-master';

/** Document types the simulator knows (10 sales invoice, 20 purchase invoice, 55 miscellaneous, 70 bank statement). */
const DOCUMENT_TYPES = new Set([10, 20, 55, 70]);
export const MAX_ATTACHMENT_BYTES = 38 * 1024 * 1024;

/** A financial entry, or a sales invoice ("for a document of type sales invoice it will return the InvoiceID"). */
function entryExists(c: Ctx, id: unknown): boolean {
  return [...c.div.salesEntries, ...c.div.cashEntries, ...c.div.bankEntries].some((e) => e.EntryID === id) || c.div.salesInvoices.some((i) => i.InvoiceID === id);
}

const documents: Handler = {
  list: (c) => c.div.documents,
  create(c, raw) {
    const b = bindEntity(ENTITIES.Documents, raw, 'POST');
    const p = new Problems();
    requireFields(ENTITIES.Documents, b, p);
    const v = b.values;
    if (typeof v.Type === 'number' && !DOCUMENT_TYPES.has(v.Type)) p.add('Ongeldige referentie: Type');
    if (v.Account != null && !findAccount(c.div, v.Account)) p.add('Ongeldige referentie: Relatie');
    if (v.FinancialTransactionEntryID != null && !entryExists(c, v.FinancialTransactionEntryID)) p.add('Ongeldige referentie: Financiële boeking');
    p.throwIfAny();
    const hid = c.div.documents.reduce((m, d) => Math.max(m, (d.HID as number | undefined) ?? 0), 0) + 1;
    const doc: Rec = { ...v, ID: randomUUID(), HID: hid, HasEmptyBody: !v.Body };
    stamp(c, doc, true);
    c.div.documents.push(doc);
    return doc;
  },
  remove(c, rec) {
    c.div.documents.splice(c.div.documents.indexOf(rec), 1);
    c.div.documentAttachments = c.div.documentAttachments.filter((a) => a.Document !== rec.ID);
  },
};

export function documentAttachmentHandler(maxBytes = MAX_ATTACHMENT_BYTES): Handler {
  return {
    list: (c) => c.div.documentAttachments,
    create(c, raw) {
      const b = bindEntity(ENTITIES.DocumentAttachments, raw, 'POST');
      const p = new Problems();
      requireFields(ENTITIES.DocumentAttachments, b, p);
      const v = b.values;
      if (v.Document != null && !c.div.documents.some((d) => d.ID === v.Document)) p.add('Ongeldige referentie: Document');
      const size = typeof v.Attachment === 'string' ? Buffer.from(v.Attachment, 'base64').length : 0;
      if (typeof v.Attachment === 'string' && size === 0) p.add('Verplicht: Attachment');
      if (size > maxBytes) p.add(`Ongeldig: Attachment (maximaal ${maxBytes} bytes)`);
      p.throwIfAny();
      const id = randomUUID();
      const a: Rec = { ...v, ID: id, FileSize: String(size), Url: `https://start.exactonline.nl/docs/SysAttachment.aspx?ID=${id}` };
      stamp(c, a, true);
      c.div.documentAttachments.push(a);
      return a;
    },
    remove(c, rec) {
      c.div.documentAttachments.splice(c.div.documentAttachments.indexOf(rec), 1);
    },
  };
}

export const attachmentHandlers = { Documents: documents, DocumentAttachments: documentAttachmentHandler() };
