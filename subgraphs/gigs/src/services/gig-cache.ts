import { createHash } from 'node:crypto';
import type { Cache } from '@jobgraph/kit';

/** Bumped on every gig change: cached search pages carry the generation they were computed at. */
const SEARCH_GENERATION = 'search-generation';

/** Bumped on every change of one gig: its cached copy carries the generation it was read at. */
const gigGeneration = (id: string): string => `gig-generation:${id}`;

/**
 * The key of a gig's cached copy, at the gig's current generation; take it before reading the database. A reader
 * that loaded the row just before a change then stores it under a generation nobody asks for any more: with a
 * plain delete, it would put the old row back after the invalidation, to be served for the whole TTL.
 */
export async function gigKey(cache: Cache, id: string): Promise<string> {
  return `gig:${id}:${await cache.generation(gigGeneration(id))}`;
}

/**
 * After a gig changes (committed): move past its cached copy and every cached search page. The per-gig counter
 * outlives its entries (twice their TTL) and then expires, so counters do not pile up for every gig ever changed.
 */
export async function invalidateGig(services: { cache: Cache; config: { GIGS_CACHE_TTL_SECONDS: number } }, id: string): Promise<void> {
  await services.cache.bump(gigGeneration(id), services.config.GIGS_CACHE_TTL_SECONDS * 2);
  await services.cache.bump(SEARCH_GENERATION);
}

/** The key of a search page: its arguments, at the current generation. */
export async function searchKey(cache: Cache, args: unknown): Promise<string> {
  const generation = await cache.generation(SEARCH_GENERATION);
  return `search:${generation}:${createHash('sha1').update(JSON.stringify(args)).digest('hex')}`;
}
