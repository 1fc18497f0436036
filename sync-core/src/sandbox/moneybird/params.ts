/**
 * Request-body helpers: the wrapper key, permitted attributes (`unevaluatedProperties: false` in the
 * SPEC), Rails-style `*_attributes` collections (an array or an object keyed by index).
 */
import { badRequest, MoneybirdHttpError, symbolic, Validation } from './errors';
import type { Json } from './seed';

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The wrapped resource, e.g. body.contact; a missing wrapper is a 400 "Contact is required". */
export function wrapper(body: Json, key: string, label: string): Json {
  const v = body[key];
  if (!isObject(v)) throw badRequest(`${label} is required`, { [key]: 'required' });
  return v;
}

export interface Strictness {
  /** Reject attributes the SPEC does not list for this request (default true). */
  strictParams: boolean;
}

/**
 * Unknown attributes. The SPEC declares `unevaluatedProperties: false`; whether the live API rejects or
 * ignores them is not verified (research notes §3.1, [U]); integrators report a 422 for one stray key
 * (`amount_decimal`), so by default the simulator answers 422 in the validation shape.
 */
export function checkPermitted(obj: Json, permitted: readonly string[], strict: Strictness, prefix = ''): void {
  if (!strict.strictParams) return;
  const v = new Validation();
  for (const k of Object.keys(obj)) {
    if (!permitted.includes(k)) v.add(`${prefix}${k}`, 'is not a permitted attribute', 'unpermitted');
  }
  v.throwIfAny();
}

/** `details_attributes` / `custom_fields_attributes`: an array, or an object keyed by index ("0", "1", …). */
export function attributesList(value: unknown, label: string): Json[] {
  if (value === undefined || value === null) return [];
  let list: unknown[];
  if (Array.isArray(value)) list = value;
  else if (isObject(value)) list = Object.keys(value).sort((a, b) => Number(a) - Number(b)).map((k) => value[k]);
  else throw badRequest(`${label} is invalid`, { [label]: 'invalid' });
  for (const item of list) if (!isObject(item)) throw badRequest(`${label} is invalid`, { [label]: 'invalid' });
  return list as Json[];
}

export function customFieldNotFound(id: unknown): MoneybirdHttpError {
  return symbolic(404, `Custom field with id ${String(id)} not found for administration`, { custom_fields_attributes: 'not_found' });
}

export function asText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}
