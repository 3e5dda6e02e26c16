import { readFileSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Logger } from '@jobgraph/kit';

/**
 * @apollo/gateway 2.14 refuses a supergraph whose auth features are `for: SECURITY` ("unsupported"), because it
 * does not enforce them. This router does (auth-directives.ts), so it hands the gateway a copy with that purpose
 * removed from those two links only; the checked-in file stays the composer's output, usable by any router.
 */
const ENFORCED_HERE = ['https://specs.apollo.dev/authenticated/', 'https://specs.apollo.dev/requiresScopes/'];

export function gatewayCopy(supergraphSdl: string): string {
  return supergraphSdl.replace(/@link\(url: "([^"]+)"([^)]*?),\s*for: SECURITY\)/g, (whole, url: string, rest: string) =>
    ENFORCED_HERE.some((prefix) => url.startsWith(prefix)) ? `@link(url: "${url}"${rest})` : whole,
  );
}

/** Reads the supergraph file and calls `onChange` with each new, different content (debounced). */
export function watchSupergraph(file: string, log: Logger, onChange: (sdl: string) => void): { current: string; close(): void } {
  let current = readFileSync(file, 'utf8');
  let timer: NodeJS.Timeout | null = null;
  let watcher: FSWatcher | null = null;
  // Watch the folder, not the file: editors and `pnpm compose` replace files, which ends a watch on the old inode.
  watcher = watch(path.dirname(file), (_event, name) => {
    if (name !== path.basename(file)) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      let next: string;
      try {
        next = readFileSync(file, 'utf8');
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'supergraph file unreadable; keeping the loaded one');
        return;
      }
      if (next === current || next.trim() === '') return;
      current = next;
      log.info({ file }, 'supergraph changed; reloading');
      onChange(next);
    }, 200);
  });
  watcher.unref();
  return {
    get current() {
      return current;
    },
    close() {
      if (timer) clearTimeout(timer);
      watcher?.close();
    },
  };
}
