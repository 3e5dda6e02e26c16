import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { specifiedRules, type ParseOptions, type ValidationRule } from 'graphql';

/**
 * Static limits on the shape of an operation, checked before it is planned, so an abusive document costs the
 * router one parse and one validation pass and never reaches a subgraph. Depth, aliases, cost and directives are
 * graphql-armor validation rules (a refusal is a validation error: HTTP 400, `BAD_USER_INPUT` after the kit's
 * formatError). Tokens are counted by graphql-js' own parser (`maxTokens`): armor's Apollo token plugin throws
 * from a hook Apollo Server 5 does not catch (the request fails as INTERNAL instead of 400), while the parser's
 * limit aborts the parse early and is reported like any syntax error.
 */
export interface QueryLimitOptions {
  /** Deepest selection nesting (fragments followed); the client's deepest operation (MyConversations) is 8. */
  maxDepth: number;
  /** Aliased fields in one operation (`__typename` aliases are free); the client uses none. */
  maxAliases: number;
  /** Lexical tokens in the document; the client's largest operation has ~140. */
  maxTokens: number;
  /** graphql-armor's cost (objects 2, scalars 1, × 1.5 per level of depth); the client's dearest (MyConversations) is ~2,700. */
  maxCost: number;
  /** Directives in one operation (`@include`/`@skip`/…); the client uses none. */
  maxDirectives: number;
  /** Hide "Did you mean …?" in validation errors, so the schema cannot be guessed field by field. */
  blockFieldSuggestions: boolean;
}

/**
 * Defaults: a few times what packages/client/operations/*.graphql needs (router/test/query-limits.test.ts
 * checks every one of them passes), and far below what a hostile document needs to hurt.
 */
export const DEFAULT_QUERY_LIMITS: QueryLimitOptions = {
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 2_000,
  maxCost: 10_000,
  maxDirectives: 20,
  blockFieldSuggestions: false,
};

export interface QueryLimits {
  /** For ApolloServer's `validationRules`. */
  validationRules: ValidationRule[];
  /** For ApolloServer's `parseOptions`. */
  parseOptions: ParseOptions;
  /** For ApolloServer's `plugins` (field-suggestion masking, when on). */
  plugins: ApolloServerPlugin[];
  /** Every rule a document must pass (graphql-js' own plus the limits), for code that validates by itself (graphql-ws). */
  allRules: ValidationRule[];
}

/** Removes graphql-js' "Did you mean …?" hints (unknown fields, types, arguments) from every error. */
const blockFieldSuggestions: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors }) {
        for (const error of errors) error.message = error.message.replace(/ ?Did you mean .+\?$/, '');
      },
    };
  },
};

export function queryLimits(options: Partial<QueryLimitOptions> = {}): QueryLimits {
  const o = { ...DEFAULT_QUERY_LIMITS, ...options };
  const armor = new ApolloArmor({
    maxDepth: { n: o.maxDepth, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: o.maxAliases },
    costLimit: { maxCost: o.maxCost, ignoreIntrospection: true },
    maxDirectives: { n: o.maxDirectives },
    // Counted by the parser instead (see above).
    maxTokens: { enabled: false },
    // Armor's Apollo plugin is typed against @apollo/server's CJS build; the same few lines are below instead.
    blockFieldSuggestion: { enabled: false },
  });
  const { validationRules } = armor.protect();
  const plugins = o.blockFieldSuggestions ? [blockFieldSuggestions] : [];
  return {
    validationRules,
    parseOptions: { maxTokens: o.maxTokens },
    plugins,
    allRules: [...specifiedRules, ...validationRules],
  };
}
