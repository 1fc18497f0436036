/**
 * Test helper (not product code): validates simulator responses against Moneybird's official OpenAPI
 * 3.1 spec, read from ../shared/specs/moneybird-openapi.json (CI has ../shared beside the clone).
 * Only the simulator's tests import this file.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import type { SimResponse } from './testing';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SPEC_FILE = path.resolve(__dirname, '../../../../../shared/specs/moneybird-openapi.json');
if (!fs.existsSync(SPEC_FILE)) throw new Error(`The official Moneybird OpenAPI spec is expected at ${SPEC_FILE} (../shared beside the clone)`);
export const spec: Json = JSON.parse(fs.readFileSync(SPEC_FILE, 'utf8'));

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
const validators = new Map<string, ValidateFunction>();

/** Spec path templates, most specific first (fewest parameters), as regexes over `/{adm}/…` paths. */
const specPaths = Object.keys(spec.paths)
  .map((p) => ({
    template: p,
    params: (p.match(/\{[^}]+\}/g) ?? []).length,
    re: new RegExp(`^${p.replace(/\{format\}/, '(?:\\.json|\\.xml)?').replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }))
  .sort((a, b) => a.params - b.params);

export function findSpecPath(apiPath: string): string | null {
  const rel = apiPath.replace(/^\/api\/v2/, '').split('?')[0];
  return specPaths.find((p) => p.re.test(rel))?.template ?? null;
}

export function specPathFor(apiPath: string): string {
  const hit = findSpecPath(apiPath);
  if (!hit) throw new Error(`No spec path for ${apiPath}`);
  return hit;
}

/**
 * Statuses the spec does not declare per operation but that any endpoint can answer: 401 (token or
 * scope), 405/406 (method/format), 429 (rate limit), 500 (server error / injected fault).
 */
const GLOBAL_STATUSES = new Set([401, 405, 406, 429, 500]);

export function validateResponse(method: string, apiPath: string, res: SimResponse): string[] {
  const template = specPathFor(apiPath);
  const op = spec.paths[template][method.toLowerCase()];
  if (!op) return [`${method} ${template} is not in the spec`];
  const declared = op.responses[String(res.status)] ?? op.responses[`${String(res.status)[0]}XX`];
  if (!declared) return GLOBAL_STATUSES.has(res.status) ? [] : [`${method} ${template} answered ${res.status}, which the spec does not document (${Object.keys(op.responses).join(', ')})`];
  const resolved = declared.$ref ? spec.components.responses[declared.$ref.split('/').pop()] : declared;
  const content = resolved.content?.['application/json'] ?? resolved.content?.['text/plain'];
  if (!content?.schema) return [];
  const key = `${method} ${template} ${res.status}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile({ ...content.schema, components: spec.components });
    validators.set(key, validate);
  }
  if (validate(res.body)) return [];
  return (validate.errors ?? []).slice(0, 8).map((e) => `${key}: ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

