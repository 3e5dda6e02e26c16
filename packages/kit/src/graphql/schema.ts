import 'reflect-metadata';
import { buildSchema, createResolversMap, type NonEmptyArray } from 'type-graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLSchema } from 'graphql';

/** Federation features a subgraph may use; v2.5 is the first with @authenticated / @requiresScopes. */
const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@tag", "@override", "@authenticated", "@requiresScopes"])';

/**
 * `__resolveReference` per entity type. The context parameter is `never` here so that each subgraph's resolver
 * may take its own context type (a function taking any context is assignable to one taking `never`).
 */
export type ReferenceResolvers = Record<string, { __resolveReference: (reference: { id: string }, context: never) => unknown }>;

export interface SubgraphSchemaOptions {
  // type-graphql takes resolver classes of any shape.
  // eslint-disable-next-line @typescript-eslint/ban-types
  resolvers: NonEmptyArray<Function>;
  /** Types to include although no root field reaches them (see SubgraphDefinition.orphanedTypes). */
  // eslint-disable-next-line @typescript-eslint/ban-types
  orphanedTypes?: Function[];
  references?: ReferenceResolvers;
  /** SDL of subscription fields this subgraph announces (served by the router; see subscriptions.ts). */
  subscriptions?: string;
}

/** type-graphql classes → SDL with the federation link → an @apollo/subgraph schema. Also returns the SDL. */
export async function buildFederatedSchema(options: SubgraphSchemaOptions): Promise<{ schema: GraphQLSchema; sdl: string }> {
  const typeGraphqlSchema = await buildSchema({
    resolvers: options.resolvers,
    ...(options.orphanedTypes ? { orphanedTypes: options.orphanedTypes } : {}),
    skipCheck: true,
    validate: false,
  });
  const printed = printSchemaWithDirectives(typeGraphqlSchema);
  const sdl = `${FEDERATION_LINK}\n\n${printed}${options.subscriptions ? `\n${options.subscriptions.trim()}\n` : ''}`;
  const resolvers: Record<string, object> = { ...createResolversMap(typeGraphqlSchema) };
  for (const [typeName, reference] of Object.entries(options.references ?? {})) {
    resolvers[typeName] = { ...resolvers[typeName], ...reference };
  }
  type SchemaModule = Extract<Parameters<typeof buildSubgraphSchema>[0], readonly unknown[]>[number];
  const module = { typeDefs: parse(sdl), resolvers } as SchemaModule;
  const schema = buildSubgraphSchema([module]);
  return { schema, sdl };
}
