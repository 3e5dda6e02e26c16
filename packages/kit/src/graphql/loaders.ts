import DataLoader from 'dataloader';

/**
 * A request-scoped DataLoader that turns N reference lookups into one `fetchMany(keys)` call.
 * Rows missing from the result resolve to null, in the order of the keys asked for.
 */
export function loaderFor<K extends string, V>(
  ctx: { loaders: Map<string, unknown> },
  name: string,
  fetchMany: (keys: readonly K[]) => Promise<V[]>,
  keyOf: (value: V) => K,
): DataLoader<K, V | null> {
  let loader = ctx.loaders.get(name) as DataLoader<K, V | null> | undefined;
  if (!loader) {
    loader = new DataLoader<K, V | null>(async (keys) => {
      const rows = await fetchMany(keys);
      const byKey = new Map(rows.map((row) => [keyOf(row), row]));
      return keys.map((key) => byKey.get(key) ?? null);
    });
    ctx.loaders.set(name, loader);
  }
  return loader;
}

/** A loader as `loaderFor` returns it: missing keys resolve to null. */
export type Loader<K, V> = DataLoader<K, V | null>;
