/**
 * Shopify's calculated query cost and the leaky bucket that enforces it.
 *
 * Requested cost (shopify.dev "API rate limits"): scalars and enums 0, objects 1, connections
 * `2 + first × (cost of one node)`; lists with a `first` argument count like connections. A query
 * whose requested cost exceeds the single-query maximum (1000) is refused (MAX_COST_EXCEEDED);
 * the requested cost must be available in the bucket before the query runs (THROTTLED otherwise)
 * and the actual cost — objects really returned — is what the bucket is charged.
 */
import {
  type FieldNode,
  type FragmentDefinitionNode,
  getNamedType,
  type GraphQLField,
  GraphQLInterfaceType,
  GraphQLObjectType,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  valueFromASTUntyped,
  isListType,
  getNullableType,
} from 'graphql';

export const MAX_SINGLE_QUERY_COST = 1000;

export class CostError extends Error {
  constructor(message: string) {
    super(message);
  }
}

interface Ctx {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function argValue(node: FieldNode, name: string, ctx: Ctx): unknown {
  const a = node.arguments?.find((x) => x.name.value === name);
  if (!a) return undefined;
  return valueFromASTUntyped(a.value, ctx.variables);
}

function selectionCost(
  set: SelectionSetNode | undefined,
  type: GraphQLObjectType | GraphQLInterfaceType,
  ctx: Ctx,
): number {
  if (!set) return 0;
  let total = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (sel.name.value.startsWith('__')) continue;
      const def = type.getFields()[sel.name.value] as GraphQLField<unknown, unknown> | undefined;
      if (!def) continue; // validation reports it
      total += fieldCost(sel, def, ctx);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      const t = sel.typeCondition ? ctx.schema.getType(sel.typeCondition.name.value) : type;
      if (t instanceof GraphQLObjectType || t instanceof GraphQLInterfaceType)
        total += selectionCost(sel.selectionSet, t, ctx);
    } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
      const frag = ctx.fragments[sel.name.value];
      const t = frag ? ctx.schema.getType(frag.typeCondition.name.value) : null;
      if (frag && (t instanceof GraphQLObjectType || t instanceof GraphQLInterfaceType))
        total += selectionCost(frag.selectionSet, t, ctx);
    }
  }
  return total;
}

function pageSize(node: FieldNode, ctx: Ctx, required: boolean): number {
  const first = argValue(node, 'first', ctx);
  const last = argValue(node, 'last', ctx);
  const n = first ?? last;
  if (n === undefined || n === null) {
    if (required) throw new CostError(`you must provide one of first or last (field '${node.name.value}')`);
    return 0;
  }
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
    throw new CostError(`'${node.name.value}' first/last must be a non-negative integer`);
  if (n > 250)
    throw new CostError(
      `The maximum number of items that can be requested at once is 250 (field '${node.name.value}')`,
    );
  return n;
}

function fieldCost(node: FieldNode, def: GraphQLField<unknown, unknown>, ctx: Ctx): number {
  const named = getNamedType(def.type);
  if (!(named instanceof GraphQLObjectType || named instanceof GraphQLInterfaceType)) return 0;
  if (named.name.endsWith('Connection')) {
    const n = pageSize(node, ctx, true);
    // One node's cost: the object itself plus what is selected under edges.node / nodes.
    let nodeCost = 0;
    for (const sel of node.selectionSet?.selections ?? []) {
      if (sel.kind !== Kind.FIELD) continue;
      const sub = named.getFields()[sel.name.value];
      if (!sub) continue;
      if (sel.name.value === 'nodes')
        nodeCost = Math.max(
          nodeCost,
          1 + selectionCost(sel.selectionSet, getNamedType(sub.type) as GraphQLObjectType, ctx),
        );
      if (sel.name.value === 'edges') {
        const edgeType = getNamedType(sub.type) as GraphQLObjectType;
        for (const es of sel.selectionSet?.selections ?? []) {
          if (es.kind === Kind.FIELD && es.name.value === 'node') {
            const nt = getNamedType(edgeType.getFields().node.type) as GraphQLObjectType;
            nodeCost = Math.max(nodeCost, 1 + selectionCost(es.selectionSet, nt, ctx));
          }
        }
      }
    }
    return 2 + n * nodeCost;
  }
  const inner = 1 + selectionCost(node.selectionSet, named, ctx);
  if (isListType(getNullableType(def.type)) && def.args.some((a) => a.name === 'first')) {
    const n = pageSize(node, ctx, false);
    if (n > 0) return 2 + n * inner;
  }
  return inner;
}

export function requestedQueryCost(
  schema: GraphQLSchema,
  op: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): number {
  const root = schema.getQueryType();
  if (!root) return 0;
  return selectionCost(op.selectionSet, root, { schema, fragments, variables });
}

/** Objects actually returned: each JSON object in `data` costs 1. */
export function actualQueryCost(data: unknown): number {
  if (Array.isArray(data)) return data.reduce<number>((a, x) => a + actualQueryCost(x), 0);
  if (data && typeof data === 'object') {
    let n = 1;
    for (const v of Object.values(data)) n += actualQueryCost(v);
    return n;
  }
  return 0;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** Leaky bucket per app + shop: fills at `restoreRate` points per second up to `size`. */
export class CostBucket {
  private available: number;
  private last: number;
  constructor(
    public size: number,
    public restoreRate: number,
    private readonly now: () => number = Date.now,
  ) {
    this.available = size;
    this.last = now();
  }
  private refill(): void {
    const t = this.now();
    this.available = Math.min(this.size, this.available + ((t - this.last) / 1000) * this.restoreRate);
    this.last = t;
  }
  canSpend(cost: number): boolean {
    this.refill();
    return this.available >= cost;
  }
  spend(cost: number): void {
    this.refill();
    this.available = Math.max(0, this.available - cost);
  }
  drain(): void {
    this.refill();
    this.available = 0;
  }
  status(): ThrottleStatus {
    this.refill();
    return {
      maximumAvailable: this.size,
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.restoreRate,
    };
  }
}
