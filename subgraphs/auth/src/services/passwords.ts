import { hash, verify, Algorithm } from '@node-rs/argon2';

/**
 * Argon2id with OWASP's recommended minimum (19 MiB memory, 2 passes, 1 lane): memory-hard, ~25 ms here.
 * A prebuilt native binary ships inside the npm package, so nothing is compiled at install.
 */
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** Verified against when the login is unknown, so "no such user" costs the same time as "wrong password". */
let decoy: Promise<string> | null = null;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword('decoy-password-that-matches-nothing');
  return decoy;
}
