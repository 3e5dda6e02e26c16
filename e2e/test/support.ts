import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { startStack, type RunningStack } from '@jobgraph/stack';
import { JobGraphClient, SignUpDocument, type SessionFieldsFragment } from '@jobgraph/client';

export interface TestStack {
  stack: RunningStack;
  client: JobGraphClient;
}

/**
 * Starts the whole supergraph (every subgraph and the router, in this process, on free ports, each subgraph
 * on a fresh database) for one test file, and tears it down after. Returns a holder filled in `beforeAll`.
 * `env` may be a function, read when the stack starts: for values known only then, such as the port of a test's
 * SMTP server started in an earlier `beforeAll`.
 */
export function useStack(env: Record<string, string> | (() => Record<string, string>) = {}): TestStack {
  const holder = {} as TestStack;
  beforeAll(async () => {
    const extra = typeof env === 'function' ? env() : env;
    holder.stack = await startStack({ env: { ...process.env, ...extra }, freshDatabases: true, freePorts: true });
    holder.client = new JobGraphClient(holder.stack.url);
  });
  afterAll(async () => {
    await holder.stack?.stop();
  });
  return holder;
}

export const PASSWORD = 'correct horse battery staple';

/** A unique, valid sign-up input. */
export function newAccount(prefix = 'user'): { email: string; username: string; password: string } {
  const tag = randomBytes(4).toString('hex');
  return { email: `${prefix}.${tag}@example.com`, username: `${prefix}_${tag}`, password: PASSWORD };
}

export async function signUp(client: JobGraphClient, prefix = 'user'): Promise<SessionFieldsFragment & { password: string }> {
  const input = newAccount(prefix);
  const data = await client.expect(SignUpDocument, { input });
  return { ...data.signUp, password: input.password };
}

/** The `extensions.code` of each error, for compact assertions. */
export const codes = (errors: readonly { extensions?: Record<string, unknown> }[]): unknown[] => errors.map((e) => e.extensions?.code);

export const sellerInput = {
  fullName: 'Ada Lovelace',
  oneLiner: 'Analytical engines, tested',
  description: 'I design and verify computation pipelines for marketplaces.',
  skills: ['TypeScript', 'GraphQL'],
  languages: [{ language: 'English', level: 'NATIVE' as const }],
  socialLinks: ['https://example.com/ada'],
};
