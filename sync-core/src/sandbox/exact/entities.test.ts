import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deriveEntityTable, renderEntityTable, SERVED_ENDPOINTS } from './entity-table';
import { ENTITY_ROWS } from './entities';
import { ENTITIES } from './schema';

const SPEC = join(__dirname, '../../../../../shared/specs/exact-online-entities.json');

describe('entities.ts matches ../shared/specs/exact-online-entities.json', () => {
  const spec = JSON.parse(readFileSync(SPEC, 'utf8'));
  const derived = deriveEntityTable(spec);

  if (process.env.UPDATE_EXACT_ENTITIES === '1') {
    writeFileSync(join(__dirname, 'entities.ts'), renderEntityTable(derived, `${spec.source} @ ${spec.commit}`));
  }

  it('serves exactly the listed endpoints', () => {
    expect(ENTITY_ROWS.map((r) => r.path)).toEqual(SERVED_ENDPOINTS.map((e) => e.replace(/^\/api\/v1\/(\{division\}\/)?/, '')));
  });

  it.each(derived.map((d) => [d.path, d] as const))('%s: fields, types, access and required flags', (_path, d) => {
    const row = ENTITY_ROWS.find((r) => r.path === d.path);
    expect(row).toBeDefined();
    expect(row!.methods).toBe(d.methods);
    expect(row!.pageSize).toBe(d.pageSize);
    expect(row!.fields).toEqual(d.fields);
  });

  it('the runtime schema the simulator validates with uses the same fields and required flags', () => {
    for (const d of derived) {
      const e = Object.values(ENTITIES).find((x) => x.path === d.path);
      expect(e).toBeDefined();
      const fromSpec = spec.entities.find((x: { endpoint: string }) => x.endpoint.endsWith('/' + d.path));
      for (const f of fromSpec.fields) {
        const mine = e!.fields.get(f.name);
        expect(mine).toBeDefined();
        expect(mine!.required).toBe(f.required);
        expect(mine!.key).toBe(f.key);
        expect(mine!.post).toBe(f.methods.includes('POST'));
        expect(mine!.put).toBe(f.methods.includes('PUT'));
        expect(mine!.type).toBe(f.type);
      }
      expect(e!.fields.size).toBe(fromSpec.fields.length);
    }
  });
});
