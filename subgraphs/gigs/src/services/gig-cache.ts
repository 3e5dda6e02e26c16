import { createHash } from 'node:crypto';
import type { Cache } from '@jobgraph/kit';

/** Bumped on every gig change: cached search pages carry the generation they were computed at. */
const SEARCH_GENERATION = 'search-generation';

export const gigKey = (id: string): string => `gig:${id}`;

/** After a gig changes (committed): drop its cached copy and every cached search page. */
export async function invalidateGig(cache: Cache, id: string): Promise<void> {
  await cache.delete(gigKey(id));
  await cache.bump(SEARCH_GENERATION);
}

/** The key of a search page: its arguments, at the current generation. */
export async function searchKey(cache: Cache, args: unknown): Promise<string> {
  const generation = await cache.generation(SEARCH_GENERATION);
  return `search:${generation}:${createHash('sha1').update(JSON.stringify(args)).digest('hex')}`;
}
