/** Source platforms besides WooCommerce, by platform name. */
import type { Platform } from '../model/order';
import type { Source } from '../sources/port';

export const sourceFactories: Partial<Record<Platform, (config: Record<string, unknown>) => Source>> = {};
