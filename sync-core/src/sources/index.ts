/**
 * The source registry: every shop platform Shopbooks reads, one line each (see targets/index.ts
 * for the same pattern). Adding a source = its folder (with a `registration.ts`) + one line here
 * (+ its simulator in sandbox/).
 */
import { ShopbooksError } from '../model/errors';
import { suggestion } from '../model/suggest';
import type { SourceRegistration } from './registration';
import { wooCommerceRegistration } from './woocommerce/registration';
import { shopifyRegistration } from './shopify/registration';
import { ccvShopRegistration } from './ccvshop/registration';

export type { SourceRegistration } from './registration';

const registry = new Map<string, SourceRegistration>();

export function addSource(r: SourceRegistration): void {
  registry.set(r.platform, r);
}

addSource(wooCommerceRegistration);
addSource(shopifyRegistration);
addSource(ccvShopRegistration);

export function sourcePlatforms(): string[] {
  return [...registry.keys()];
}

export function findSource(platform: string): SourceRegistration | undefined {
  return registry.get(platform);
}

export function sourceRegistration(platform: string): SourceRegistration {
  const r = registry.get(platform);
  if (r) return r;
  throw new ShopbooksError('ConfigInvalid', `The source platform "${platform}" is not a shop platform Shopbooks knows${suggestion(platform, sourcePlatforms())}. Known platforms: ${sourcePlatforms().join(', ')}.`);
}
