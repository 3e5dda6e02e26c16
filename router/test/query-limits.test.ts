import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ApolloServer } from '@apollo/server';
import {
  Kind,
  buildSchema,
  parse,
  validate,
  visit,
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import { formatError } from '@jobgraph/kit';
import { DEFAULT_QUERY_LIMITS, queryLimits } from '@jobgraph/router';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const apiSchema = buildSchema(readFileSync(path.join(repo, 'schema/api.graphql'), 'utf8'));
const operationsDir = path.join(repo, 'packages/client/operations');

/** Every operation of the real frontend, each with the fragments it uses (they may live in other files). */
function clientOperations(): { name: string; document: DocumentNode; source: string }[] {
  const source = readdirSync(operationsDir)
    .filter((f) => f.endsWith('.graphql'))
    .map((f) => readFileSync(path.join(operationsDir, f), 'utf8'))
    .join('\n');
  const all = parse(source);
  const fragments = new Map(
    all.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  return all.definitions
    .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .map((op) => {
      const used = new Set<string>();
      const queue: DefinitionNode[] = [op];
      while (queue.length > 0) {
        visit(queue.pop() as DefinitionNode, {
          FragmentSpread(node) {
            const fragment = fragments.get(node.name.value);
            if (fragment && !used.has(node.name.value)) {
              used.add(node.name.value);
              queue.push(fragment);
            }
          },
        });
      }
      const definitions = [op, ...[...used].map((n) => fragments.get(n) as FragmentDefinitionNode)];
      const text = definitions.map((d) => source.slice(d.loc?.start, d.loc?.end)).join('\n');
      return { name: op.name?.value ?? '(anonymous)', document: { kind: Kind.DOCUMENT, definitions }, source: text };
    });
}

/** `{ a { a { … { id } } } }` with `levels` nested selections on a self-referencing type. */
const nested = (levels: number) => `{ ${'node { '.repeat(levels)}id${' }'.repeat(levels)} }`;

const TEST_SDL = /* GraphQL */ `
  type Query { node: Node, nodes(first: Int): [Node!]! }
  type Node { id: ID!, name: String, node: Node, children: [Node!]! }
`;

async function server(options: Parameters<typeof queryLimits>[0] = {}) {
  const limits = queryLimits(options);
  let resolved = 0;
  const apollo = new ApolloServer({
    typeDefs: TEST_SDL,
    resolvers: { Query: { node: () => (resolved++, { id: '1' }), nodes: () => (resolved++, []) } },
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    plugins: limits.plugins,
    formatError: (formatted, error) => formatError(formatted, error),
  });
  await apollo.start();
  const run = async (query: string) => {
    const res = await apollo.executeOperation({ query });
    if (res.body.kind !== 'single') throw new Error('expected a single result');
    return { status: res.http.status, errors: res.body.singleResult.errors ?? [], data: res.body.singleResult.data };
  };
  return { run, resolved: () => resolved, stop: () => apollo.stop() };
}

describe('query limits', () => {
  it('lets every operation of the real frontend through with the default limits', () => {
    const ops = clientOperations();
    expect(ops.length).toBeGreaterThan(50);
    const { allRules, parseOptions } = queryLimits(DEFAULT_QUERY_LIMITS);
    for (const op of ops) {
      expect(() => parse(op.source, parseOptions), op.name).not.toThrow();
      expect(validate(apiSchema, op.document, allRules).map((e) => e.message), op.name).toEqual([]);
    }
  });

  it('refuses an operation deeper than the limit with BAD_USER_INPUT, before any resolver runs', async () => {
    const s = await server({ maxDepth: 5 });
    expect((await s.run(nested(4))).errors).toEqual([]);
    const res = await s.run(nested(8));
    expect(res.status).toBe(400);
    expect(res.errors.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors[0].message).toMatch(/depth limit of 5/);
    expect(s.resolved()).toBe(1);
    await s.stop();
  });

  it('refuses more aliases than the limit (and 1,000 aliases already by their token count)', async () => {
    const s = await server();
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: node { id }`).join(' ')} }`;
    const forty = await s.run(aliases(40));
    expect(forty.status).toBe(400);
    expect(forty.errors.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(forty.errors[0].message).toMatch(/Aliases limit of 30 exceeded, found 40/);
    const thousand = await s.run(aliases(1000));
    expect(thousand.status).toBe(400);
    expect(thousand.errors.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(s.resolved()).toBe(0);
    // With the token limit out of the way, the alias rule alone refuses them.
    const wide = await server({ maxTokens: 100_000 });
    const res = await wide.run(aliases(1000));
    expect(res.errors.map((e) => e.message).join(' ')).toMatch(/Aliases limit of 30 exceeded, found 1000/);
    expect(wide.resolved()).toBe(0);
    await Promise.all([s.stop(), wide.stop()]);
  });

  it('refuses a document with more tokens than the limit while parsing', async () => {
    const s = await server();
    const res = await s.run(`{ node { ${'id '.repeat(5000)}} }`);
    expect(res.status).toBe(400);
    expect(res.errors.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors[0].message).toMatch(/Document contains more tha[nt] 2000 tokens/);
    expect(s.resolved()).toBe(0);
    await s.stop();
  });

  it('refuses an expensive nested list query by its cost, within the depth limit', async () => {
    const s = await server();
    // 10 levels of lists (within the depth limit of 12), 200 fields at the bottom: ~250 tokens, a huge response.
    const res = await s.run(`{ nodes(first: 100) { ${'children { '.repeat(10)}${'id name '.repeat(100)}${'} '.repeat(10)}} }`);
    expect(res.status).toBe(400);
    expect(res.errors.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors[0].message).toMatch(/Cost limit of 10000/);
    expect(s.resolved()).toBe(0);
    await s.stop();
  });

  it('refuses too many directives', async () => {
    const s = await server();
    const res = await s.run(`{ node { id ${'@include(if: true) '.repeat(30)}} }`);
    expect(res.status).toBe(400);
    expect(res.errors.map((e) => e.extensions?.code)).toContain('BAD_USER_INPUT');
    expect(res.errors.map((e) => e.message).join(' ')).toMatch(/Directives limit of 20/);
    await s.stop();
  });

  it('hides field suggestions only when asked (production)', async () => {
    const open = await server();
    expect((await open.run('{ node { nam } }')).errors[0].message).toMatch(/Did you mean "name"/);
    await open.stop();
    const closed = await server({ blockFieldSuggestions: true });
    const res = await closed.run('{ node { nam } }');
    expect(res.errors[0].message).toBe('Cannot query field "nam" on type "Node".');
    expect(res.errors[0].extensions?.code).toBe('BAD_USER_INPUT');
    await closed.stop();
  });
});
