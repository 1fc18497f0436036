/**
 * Fairness: one job books at most a bounded batch. The source is wrapped so the listing stops at
 * a page boundary once `maxOrders` were handed out (the engine has moved the cursor past every
 * page it finished, so the next job continues exactly there); the job then re-enqueues itself
 * at the back of the queue, behind the other shops. A stopping worker ends the listing the same
 * way at the next page boundary, so a deploy never waits for a whole batch.
 */
import type { Source } from '../sources/port';

export function boundSource(source: Source, maxOrders: number, stopping: () => boolean = () => false): { source: Source; truncated: () => boolean } {
  let truncated = false;
  const listOrders: Source['listOrders'] = async function* (query) {
    let handed = 0;
    for await (const page of source.listOrders(query)) {
      yield page;
      handed += page.orders.length;
      if ((handed >= maxOrders || stopping()) && page.page < page.totalPages) {
        truncated = true;
        return;
      }
    }
  };
  const wrapped = new Proxy(source, {
    get(t, prop) {
      if (prop === 'listOrders') return listOrders;
      const v = Reflect.get(t, prop, t);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
  return { source: wrapped, truncated: () => truncated };
}
