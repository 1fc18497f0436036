/**
 * Exact Online's error texts (Dutch for NL tenants, spec §4.7) and their plain-English
 * explanations. The remote text always travels verbatim in `remoteMessage`; `message` is what a
 * shop owner reads.
 */
import { ShopbooksError } from '../../model/errors';

interface Rule {
  re: RegExp;
  explain: (m: RegExpExecArray) => string;
}

/** Specific texts first, then the generic prefixes. */
const RULES: Rule[] = [
  { re: /^Verplicht:\s*Betalingsconditie/i, explain: () => 'Exact requires a payment condition: set one on the customer or in settings.' },
  { re: /^In gebruik:\s*Boekstuknummer/i, explain: () => 'Exact already has a booking with this entry number in the sales journal.' },
  { re: /^Verkoopordernummer:\s*Bestaat reeds/i, explain: () => 'Exact already has a sales order with this order number.' },
  { re: /^Gegeven bestaat reeds/i, explain: () => 'Exact already has a record with this code (e.g. an item with this SKU).' },
  { re: /^Ongeldig:\s*Grootboekrekeningtype/i, explain: () => 'The GL account is not a revenue account: choose revenue accounts in settings.' },
  { re: /^Ongeldig:\s*(Klant|Factuur voor|Besteld door)\s*\(Type\)/i, explain: () => 'The Exact relation is not a customer (it is a supplier or prospect): make it a customer in Exact or choose another account.' },
  { re: /^Ongeldige referentie:\s*Journals?/i, explain: () => 'Exact does not know the sales journal: check the journal code in settings.' },
  { re: /^Ongeldige referentie:\s*Btw-code/i, explain: () => 'Exact does not know the VAT code: check the VAT code mapping in settings.' },
  { re: /^Ongeldig:\s*Btw-percentage/i, explain: () => 'The VAT code does not fit the VAT percentage: check the VAT code mapping in settings.' },
  { re: /^Geblokkeerd:\s*Btw code/i, explain: () => 'The VAT code is blocked in Exact: unblock it or map another code in settings.' },
  { re: /^Niet toegestaan:\s*Btw-code/i, explain: () => 'The sales journal does not allow VAT: enable VAT on the journal in Exact or choose another journal.' },
  { re: /^Onbekend:\s*Boekjaar/i, explain: () => 'Exact has no financial year/period for the booking date: add the financial year in Exact.' },
  { re: /Periode is afgesloten/i, explain: () => 'The period of the booking date is closed in Exact: reopen it or book in an open period.' },
  { re: /^Reeds verwerkt/i, explain: () => 'The document is already processed in Exact and can no longer be changed.' },
  { re: /^Ongeldig:\s*Email/i, explain: () => "Exact rejects the customer's e-mail address." },
  { re: /^Ongeldig:\s*Dagboek\s*\(type\)/i, explain: () => 'The journal is not a sales journal: choose a sales journal in settings.' },
  { re: /^Artikel:\s*Non actief/i, explain: () => 'The item is inactive in Exact.' },
  { re: /^Artikel:\s*Toekomstig/i, explain: () => 'The item is not active yet in Exact (start date in the future).' },
  { re: /^Verplicht:\s*(.+)$/i, explain: (m) => `Exact requires a value that is missing: "${m[1].trim()}".` },
  { re: /^Ongeldige referentie:\s*(.+)$/i, explain: (m) => `Exact does not know the referenced record: "${m[1].trim()}".` },
  { re: /^Ongeldig:\s*(.+)$/i, explain: (m) => `Exact considers a value invalid: "${m[1].trim()}".` },
  { re: /^Onbekend:\s*(.+)$/i, explain: (m) => `Exact does not know: "${m[1].trim()}".` },
  { re: /^Bestaat reeds/i, explain: () => 'Exact already has this record.' },
];

/** Prefixes that mark a business validation error (certain rejection, nothing was written). */
const VALIDATION_RE = /^(Verplicht|Ongeldig|Ongeldige referentie|Bestaat reeds|In gebruik|Reeds verwerkt|Onbekend|Niet toegestaan|Geblokkeerd|Gegeven bestaat reeds|Verkoopordernummer|Artikel|Periode|Error processing request stream|Error in query syntax|Ongeldige request)/i;

/** Split Exact's CRLF-joined message into its parts. */
export function splitExactMessage(text: string): string[] {
  return text.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
}

/** The plain-English explanation of one or more (CRLF-joined) Exact messages. */
export function explainExactMessage(text: string): string {
  const parts = splitExactMessage(text);
  if (!parts.length) return 'Exact rejected the request without a message.';
  return parts
    .map((p) => {
      for (const r of RULES) {
        const m = r.re.exec(p);
        if (m) return r.explain(m);
      }
      return `Exact rejected the request: "${p}".`;
    })
    .join(' ');
}

export function isValidationMessage(text: string): boolean {
  const parts = splitExactMessage(text);
  return parts.length > 0 && parts.every((p) => VALIDATION_RE.test(p));
}

/** Read `error.message.value` (or the OAuth `error_description`) from an Exact error body. */
export function exactErrorText(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  const e = b.error;
  if (typeof e === 'object' && e !== null) {
    const msg = (e as Record<string, unknown>).message;
    if (typeof msg === 'string') return msg;
    if (typeof msg === 'object' && msg !== null && typeof (msg as Record<string, unknown>).value === 'string') return (msg as Record<string, string>).value;
  }
  if (typeof e === 'string') {
    const d = typeof b.error_description === 'string' ? b.error_description : '';
    return d ? `${e}: ${d}` : e;
  }
  return null;
}

/** The marker an uncertain write carries: the request may or may not have been committed by Exact. */
export const UNCERTAIN_WRITE = 'uncertainWrite';

export function uncertainWriteError(path: string, why: string, cause?: unknown): ShopbooksError {
  return new ShopbooksError(
    'Timeout',
    `Exact did not confirm the write to ${path} (${why}); it may or may not have been saved. Look the document up by its reference before trying again.`,
    { retryable: true, details: { [UNCERTAIN_WRITE]: true, path }, cause },
  );
}

export function isUncertainWrite(e: unknown): boolean {
  return e instanceof ShopbooksError && e.details[UNCERTAIN_WRITE] === true;
}
