/**
 * Binding a POST/PUT payload to an entity, as Exact's OData layer does before any business rule:
 * not an object -> 400; unknown property -> 400 "Error processing request stream. The property name
 * 'X' specified for type 'T' is not valid."; wrong type -> 400 (values.ts); child lines in a PUT ->
 * 400 "Binding to new entities ...". Read-only properties are accepted and ignored.
 * Required fields (the reference pages' "Mandatory") missing on POST -> 500 "Verplicht: <label>".
 */
import { badRequest, Problems } from './errors';
import type { Rec } from './odata';
import { ENTITIES, type EntityInfo } from './schema';
import { bindValue } from './values';

/**
 * Dutch labels Exact uses in "Verplicht: ..." where a source shows them (spec 4.7, 5.x, 9):
 * "Besteld door", "Factuur voor", "Dagboek", "Betalingsconditie", "Klant", "Artikel",
 * "Grootboekrekening", "Btw-code", "Boekstuknummer". Other fields use their property name.
 */
export const LABELS: Record<string, string> = {
  OrderedBy: 'Besteld door',
  InvoiceTo: 'Factuur voor',
  Journal: 'Dagboek',
  PaymentCondition: 'Betalingsconditie',
  Customer: 'Klant',
  Item: 'Artikel',
  GLAccount: 'Grootboekrekening',
  VATCode: 'Btw-code',
  EntryNumber: 'Boekstuknummer',
};
export const label = (field: string): string => LABELS[field] ?? field;

export interface Bound {
  /** Settable, bound fields present in the payload. */
  values: Rec;
  /** Bound line collections (POST only). */
  lines: Map<string, Bound[]>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function bindEntity(entity: EntityInfo, raw: unknown, method: 'POST' | 'PUT', topLevel = true): Bound {
  if (!isObject(raw)) {
    throw badRequest(
      topLevel
        ? 'Error processing request stream. The request should be a valid top-level resource object.'
        : `Error processing request stream. An object was expected for an entity of type '${entity.metadataType}'.`,
    );
  }
  const values: Rec = {};
  const lines = new Map<string, Bound[]>();
  for (const [name, value] of Object.entries(raw)) {
    if (name === '__metadata') continue;
    const f = entity.fields.get(name);
    if (!f) {
      throw badRequest(`Error processing request stream. The property name '${name}' specified for type '${entity.metadataType}' is not valid.`);
    }
    if (f.type === 'Collection') {
      const lineEntityName = entity.lineCollections.get(name);
      if (value === null || value === undefined) continue;
      const arr = Array.isArray(value) ? value : isObject(value) && Array.isArray(value.results) ? value.results : null;
      if (arr === null) {
        throw badRequest(`Error processing request stream. A collection was expected for the property '${name}' of type '${entity.metadataType}'.`);
      }
      if (method === 'PUT') {
        if (arr.length) {
          throw badRequest(
            `Error processing request stream. Binding to new entities is not supported in a PUT request: the property '${name}' cannot be updated with new entities.`,
          );
        }
        continue;
      }
      if (!lineEntityName || !f.post) continue;
      const lineEntity = ENTITIES[lineEntityName as keyof typeof ENTITIES];
      lines.set(
        name,
        arr.map((l: unknown) => bindEntity(lineEntity, l, 'POST', false)),
      );
      continue;
    }
    const settable = method === 'POST' ? f.post : f.put && !f.key;
    // Still type-check what will be ignored? Exact ignores read-only properties; so do we.
    if (!settable) continue;
    values[name] = bindValue(name, f.type, value);
  }
  return { values, lines };
}

const blank = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/**
 * "Verplicht: ..." for missing mandatory fields on POST. `skip` lists fields the handler derives
 * (e.g. SalesInvoiceLines.GLAccount from the item) or the parent key of nested lines.
 */
export function requireFields(entity: EntityInfo, bound: Bound, problems: Problems, skip: readonly string[] = []): void {
  for (const f of entity.fields.values()) {
    if (!f.required || f.key || !f.post || skip.includes(f.name)) continue;
    if (f.type === 'Collection') {
      const l = bound.lines.get(f.name);
      if (!l || l.length === 0) problems.add(`Verplicht: ${label(f.name)}`);
    } else if (blank(bound.values[f.name])) problems.add(`Verplicht: ${label(f.name)}`);
  }
}

/** Documented lengths (spec 4.7: Item Description 60, ExtraDescription 255); more via options. */
export const DEFAULT_STRING_LIMITS: Record<string, number> = { 'Items.Description': 60, 'Items.ExtraDescription': 255 };

/**
 * Length limits on string properties, keyed `Entity.Field` or `Field`. Exceeding one is a 500
 * "Ongeldig: <field> (maximaal N tekens)" (Exact's exact wording is not known; uncertain).
 */
export function checkStringLimits(entity: EntityInfo, bound: Bound, limits: Record<string, number>, problems: Problems): void {
  for (const [name, value] of Object.entries(bound.values)) {
    if (typeof value !== 'string') continue;
    const max = limits[`${entity.name}.${name}`] ?? limits[name];
    if (max !== undefined && value.length > max) problems.add(`Ongeldig: ${label(name)} (maximaal ${max} tekens)`);
  }
  for (const [coll, rows] of bound.lines) {
    const lineEntity = ENTITIES[entity.lineCollections.get(coll) as keyof typeof ENTITIES];
    for (const r of rows) checkStringLimits(lineEntity, r, limits, problems);
  }
}
