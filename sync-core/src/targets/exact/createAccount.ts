/** `POST crm/Accounts`: a new customer from the shop's customer data. */
import { z } from 'zod';
import type { Customer } from '../../model/order';
import { unwrapEntity } from './odata';
import { FIELD_LIMITS, parseRecord, requireLength, truncate } from './schemas';
import { ExactAccount } from './findAccount';
import type { ExactTransport } from './transport';

export const CreateAccountBody = z.object({
  Name: z.string().min(1),
  Email: z.string().optional(),
  Status: z.literal('C'),
  AddressLine1: z.string().optional(),
  AddressLine2: z.string().optional(),
  Postcode: z.string().optional(),
  City: z.string().optional(),
  Country: z.string().optional(),
  VATNumber: z.string().optional(),
  Phone: z.string().optional(),
});
export type CreateAccountBody = z.infer<typeof CreateAccountBody>;

/** The account's name: the company, else first + last name, else the e-mail. */
export function accountName(c: Customer, email: string): string {
  const person = `${c.firstName} ${c.lastName}`.trim();
  return truncate(c.company.trim() || person || email || 'Webshop customer', FIELD_LIMITS.accountName);
}

export function buildAccountBody(c: Customer, email: string): CreateAccountBody {
  const a = c.billing;
  const body: CreateAccountBody = { Name: accountName(c, email), Status: 'C' };
  if (email) body.Email = requireLength(email, FIELD_LIMITS.email, 'e-mail address');
  if (a.line1) body.AddressLine1 = truncate(a.line1, FIELD_LIMITS.addressLine);
  if (a.line2) body.AddressLine2 = truncate(a.line2, FIELD_LIMITS.addressLine);
  if (a.postcode) body.Postcode = truncate(a.postcode, FIELD_LIMITS.postcode);
  if (a.city) body.City = truncate(a.city, FIELD_LIMITS.city);
  if (a.country) body.Country = a.country;
  if (c.vatNumber.trim()) body.VATNumber = requireLength(c.vatNumber.replace(/\s+/g, '').toUpperCase(), FIELD_LIMITS.vatNumber, 'VAT number');
  if (c.phone.trim()) body.Phone = truncate(c.phone, 30);
  return CreateAccountBody.parse(body);
}

export async function createAccount(t: ExactTransport, body: CreateAccountBody): Promise<ExactAccount> {
  const res = await t.post('crm/Accounts', CreateAccountBody.parse(body));
  return parseRecord(ExactAccount, unwrapEntity(res), 'created account');
}
