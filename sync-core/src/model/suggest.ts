/** "Did you mean" for names a person typed (configuration keys, target and platform names). */
import { closest, distance } from 'fastest-levenshtein';

/** ` (did you mean "x"?)` when one known name is close enough to be a typo, else ''. */
export function suggestion(typed: string, known: readonly string[]): string {
  if (!known.length) return '';
  const lower = typed.toLowerCase();
  const exactCase = known.find((k) => k.toLowerCase() === lower);
  if (exactCase) return ` (did you mean "${exactCase}"?)`;
  const best = closest(lower, known.map((k) => k.toLowerCase()));
  const match = known.find((k) => k.toLowerCase() === best)!;
  const limit = Math.max(1, Math.min(3, Math.floor(typed.length / 3)));
  return distance(lower, best) <= limit ? ` (did you mean "${match}"?)` : '';
}
