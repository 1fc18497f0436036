/**
 * Keys a person wrote that a schema does not know (`bookstates`, `glAcounts`), found by walking the
 * input beside the zod schema. Zod's default objects drop unknown keys silently, so a misspelt
 * setting would simply be ignored: this names each one, with a "did you mean" where one is close.
 * Objects that pass unknown keys through on purpose (a catch-all) are not checked.
 */
import type { z } from 'zod';
import { suggestion } from './suggest';

interface Def {
  type: string;
  shape?: Record<string, z.ZodTypeAny>;
  catchall?: z.ZodTypeAny;
  innerType?: z.ZodTypeAny;
  in?: z.ZodTypeAny;
  element?: z.ZodTypeAny;
  valueType?: z.ZodTypeAny;
  options?: z.ZodTypeAny[];
}

const defOf = (s: z.ZodTypeAny): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

export interface UnknownKey {
  path: string;
  message: string;
}

export function unknownKeys(schema: z.ZodTypeAny, value: unknown, path: string, allowed: readonly string[] = []): UnknownKey[] {
  const d = defOf(schema);
  switch (d.type) {
    case 'default':
    case 'optional':
    case 'nullable':
    case 'readonly':
    case 'catch':
    case 'prefault':
    case 'nonoptional':
      return d.innerType ? unknownKeys(d.innerType, value, path, allowed) : [];
    case 'pipe':
      return d.in ? unknownKeys(d.in, value, path, allowed) : [];
    case 'array':
      return Array.isArray(value) && d.element ? value.flatMap((v, i) => unknownKeys(d.element!, v, `${path}[${i}]`)) : [];
    case 'record':
      return isPlain(value) && d.valueType ? Object.entries(value).flatMap(([k, v]) => unknownKeys(d.valueType!, v, join(path, k))) : [];
    case 'union': {
      // the option that reports the fewest unknown keys is the one the person meant
      const each = (d.options ?? []).map((o) => unknownKeys(o, value, path, allowed));
      return each.length ? each.reduce((a, b) => (b.length < a.length ? b : a)) : [];
    }
    case 'object': {
      if (!isPlain(value) || !d.shape) return [];
      const known = [...Object.keys(d.shape), ...allowed];
      const catchAll = d.catchall && defOf(d.catchall).type !== 'never';
      const out: UnknownKey[] = [];
      for (const [k, v] of Object.entries(value)) {
        const child = d.shape[k];
        if (child) out.push(...unknownKeys(child, v, join(path, k)));
        else if (!catchAll && !allowed.includes(k)) out.push({ path: join(path, k), message: `is not a setting Shopbooks knows${suggestion(k, known)}` });
      }
      return out;
    }
    default:
      return [];
  }
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
