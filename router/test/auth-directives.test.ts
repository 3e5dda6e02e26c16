import { describe, expect, it } from 'vitest';
import { GraphQLError, Kind, buildSchema, parse, print, type OperationDefinitionNode } from 'graphql';
import type { Caller } from '@jobgraph/kit';
import { applyRemovals, buildAuthMap, filterOperation, type FilterResult } from '@jobgraph/router';

// A supergraph-like SDL: buildAuthMap only parses it, buildSchema needs the directives declared.
const SDL = /* GraphQL */ `
  directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
  directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM

  type Query {
    version: String
    me: User @authenticated
    user(id: ID!): User
    users: [User!]!
    adminStats: Stats @requiresScopes(scopes: [["admin"]])
    reports: [String!] @requiresScopes(scopes: [["admin", "reports:read"], ["auditor"]])
  }

  type Mutation {
    ban(userId: ID!): Boolean @requiresScopes(scopes: [["admin"]])
    deleteAll: Boolean @requiresScopes(scopes: [["admin"]])
  }

  type User {
    id: ID!
    username: String!
    email: String @authenticated
    internalNote: String! @requiresScopes(scopes: [["admin"]])
    account: Account!
    roles: [String!] @requiresScopes(scopes: [["admin"]])
  }

  type Account {
    id: ID!
    balance: Int! @requiresScopes(scopes: [["admin"]])
  }

  type Stats {
    users: Int!
  }
`;

const schema = buildSchema(SDL);
const map = buildAuthMap(SDL);

const member: Caller = { userId: 'u-1', username: 'ann', roles: ['user'], scopes: ['user'], sessionId: 's-1' };
const admin: Caller = { userId: 'u-2', username: 'root', roles: ['user', 'admin'], scopes: ['user', 'admin'], sessionId: 's-2' };
const withScopes = (...scopes: string[]): Caller => ({ ...member, scopes });

const makeError = (message: string, path: (string | number)[], code: string, coordinate: string) =>
  new GraphQLError(message, { path, extensions: { code, denied: coordinate } });

function filter(source: string, caller: Caller | null): FilterResult | null {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) throw new Error('no operation in test source');
  return filterOperation(schema, map, document, operation, caller);
}

/** What a client would see: the errors' paths and codes, in order. */
const described = (errors: GraphQLError[]) => errors.map((e) => ({ path: e.path, code: e.extensions.code }));

describe('buildAuthMap', () => {
  it('reads @authenticated and @requiresScopes off fields, scopes as OR-of-AND sets', () => {
    expect(map.get('Query.me')).toEqual({ authenticated: true, scopes: null });
    expect(map.get('Query.adminStats')).toEqual({ authenticated: false, scopes: [['admin']] });
    expect(map.get('Query.reports')).toEqual({ authenticated: false, scopes: [['admin', 'reports:read'], ['auditor']] });
    expect(map.has('Query.version')).toBe(false);
    expect(map.has('User.id')).toBe(false);
  });

  it('follows directive renames made by @link(as:) in the supergraph', () => {
    const renamed = /* GraphQL */ `
      schema
        @link(url: "https://specs.apollo.dev/authenticated/v0.1", as: "signedIn", for: SECURITY)
        @link(url: "https://specs.apollo.dev/requiresScopes/v0.1", as: "scoped", for: SECURITY) {
        query: Query
      }
      type Query {
        a: String @signedIn
        b: String @scoped(scopes: [["admin"]])
        c: String @authenticated
      }
    `;
    const renamedMap = buildAuthMap(renamed);
    expect(renamedMap.get('Query.a')).toEqual({ authenticated: true, scopes: null });
    expect(renamedMap.get('Query.b')).toEqual({ authenticated: false, scopes: [['admin']] });
    // `@authenticated` is not the auth directive in this supergraph once it was renamed.
    expect(renamedMap.has('Query.c')).toBe(false);
  });
});

describe('filterOperation and applyRemovals', () => {
  it('lets an anonymous caller see public fields while a signed-in-only field comes back null with UNAUTHENTICATED', () => {
    const result = filter('{ version user(id: "1") { id username email } }', null);
    expect(result).not.toBeNull();
    expect(result!.empty).toBe(false);
    const printed = print(result!.document);
    expect(printed).not.toContain('email');
    expect(printed).toContain('username');
    expect(printed).toContain('version');

    const data: Record<string, unknown> = { version: '1.0', user: { id: '1', username: 'ann' } };
    const errors = applyRemovals(data, result!.removals, makeError);
    expect(data).toEqual({ version: '1.0', user: { id: '1', username: 'ann', email: null } });
    expect(described(errors)).toEqual([{ path: ['user', 'email'], code: 'UNAUTHENTICATED' }]);
    expect(errors[0].extensions.denied).toBe('User.email');
  });

  it('refuses a signed-in caller without the admin scope with FORBIDDEN, and keeps the rest of the query', () => {
    const result = filter('{ version me { id } adminStats { users } }', member);
    expect(result).not.toBeNull();
    expect(result!.empty).toBe(false);
    expect(print(result!.document)).not.toContain('adminStats');
    expect(print(result!.document)).toContain('me');

    const data: Record<string, unknown> = { version: '1.0', me: { id: 'u-1' } };
    const errors = applyRemovals(data, result!.removals, makeError);
    expect(data).toEqual({ version: '1.0', me: { id: 'u-1' }, adminStats: null });
    expect(described(errors)).toEqual([{ path: ['adminStats'], code: 'FORBIDDEN' }]);
  });

  it('lets an admin run the admin-only field untouched (the original document is used)', () => {
    expect(filter('{ version me { id email } adminStats { users } }', admin)).toBeNull();
  });

  it('changes nothing when the caller may see every field, so the original document runs as sent', () => {
    expect(filter('{ version user(id: "1") { id username } }', null)).toBeNull();
    expect(filter('{ me { id email } }', member)).toBeNull();
  });

  it('puts the alias, not the field name, in the error path and where the null goes', () => {
    const result = filter('{ who: user(id: "1") { id contact: email } }', null);
    const data: Record<string, unknown> = { who: { id: '1' } };
    const errors = applyRemovals(data, result!.removals, makeError);
    expect(data).toEqual({ who: { id: '1', contact: null } });
    expect(described(errors)).toEqual([{ path: ['who', 'contact'], code: 'UNAUTHENTICATED' }]);
  });

  it('denies a field in a named fragment at every place the fragment is spread', () => {
    const result = filter(
      `query Two {
        first: user(id: "1") { ...Card }
        second: user(id: "2") { ...Card }
      }
      fragment Card on User { id username email }`,
      null,
    );
    expect(result).not.toBeNull();
    expect(result!.empty).toBe(false);
    // The filtered operation stands alone: fragments are inlined, the denied field is gone from both places.
    expect(result!.document.definitions).toHaveLength(1);
    expect(print(result!.document)).not.toContain('email');
    expect(print(result!.document)).not.toContain('...Card');

    const data: Record<string, unknown> = { first: { id: '1', username: 'a' }, second: { id: '2', username: 'b' } };
    const errors = applyRemovals(data, result!.removals, makeError);
    expect(data).toEqual({ first: { id: '1', username: 'a', email: null }, second: { id: '2', username: 'b', email: null } });
    expect(described(errors)).toEqual([
      { path: ['first', 'email'], code: 'UNAUTHENTICATED' },
      { path: ['second', 'email'], code: 'UNAUTHENTICATED' },
    ]);
  });

  it('nulls the nearest nullable parent when a denied field is non-null', () => {
    const result = filter('{ version user(id: "1") { id username internalNote } }', member);
    expect(result!.empty).toBe(false);
    // user can only be null as a whole, so it is not fetched at all.
    expect(print(result!.document)).not.toContain('user');

    const data: Record<string, unknown> = { version: '1.0' };
    const errors = applyRemovals(data, result!.removals, makeError);
    expect(data).toEqual({ version: '1.0', user: null });
    expect(described(errors)).toEqual([{ path: ['user', 'internalNote'], code: 'FORBIDDEN' }]);
  });

  it('nulls past several non-null levels up to the first nullable one', () => {
    // Account.balance! → User.account! → Query.user (nullable)
    const result = filter('{ version user(id: "1") { id account { id balance } } }', member);
    const data: Record<string, unknown> = { version: '1.0' };
    const errors = applyRemovals(data, result!.removals, makeError);
    expect(data).toEqual({ version: '1.0', user: null });
    expect(described(errors)).toEqual([{ path: ['user', 'account', 'balance'], code: 'FORBIDDEN' }]);
  });

  it('gives each element of a list its own null and its own error, with the index in the path', () => {
    const result = filter('{ users { id email } }', null);
    expect(result!.empty).toBe(false);
    const data: Record<string, unknown> = { users: [{ id: '1' }, { id: '2' }, { id: '3' }] };
    const errors = applyRemovals(data, result!.removals, makeError);
    expect(data).toEqual({ users: [{ id: '1', email: null }, { id: '2', email: null }, { id: '3', email: null }] });
    expect(described(errors)).toEqual([
      { path: ['users', 0, 'email'], code: 'UNAUTHENTICATED' },
      { path: ['users', 1, 'email'], code: 'UNAUTHENTICATED' },
      { path: ['users', 2, 'email'], code: 'UNAUTHENTICATED' },
    ]);
  });

  it('caps the errors for one denied field in a long list', () => {
    const result = filter('{ users { id email } }', null);
    const data: Record<string, unknown> = { users: Array.from({ length: 10 }, (_, i) => ({ id: String(i) })) };
    const errors = applyRemovals(data, result!.removals, makeError, 4);
    expect(errors).toHaveLength(4);
    // Every element is still nulled, even past the cap.
    expect((data.users as Record<string, unknown>[]).every((u) => u.email === null)).toBe(true);
  });

  it('reports an operation whose every root field is denied as empty, so no subgraph is called', () => {
    const anonymous = filter('{ me { id } adminStats { users } }', null);
    expect(anonymous!.empty).toBe(true);
    expect(described(applyRemovals(null, anonymous!.removals, makeError))).toEqual([]);
    expect(anonymous!.removals.map((r) => [r.coordinate, r.code])).toEqual([
      ['Query.me', 'UNAUTHENTICATED'],
      ['Query.adminStats', 'UNAUTHENTICATED'],
    ]);

    const mutation = filter('mutation { ban(userId: "1") deleteAll }', member);
    expect(mutation!.empty).toBe(true);
    expect(mutation!.removals.map((r) => r.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
  });

  it('is not empty when one root field survives', () => {
    const result = filter('mutation { ban(userId: "1") }', admin);
    expect(result).toBeNull();
    const partial = filter('{ version adminStats { users } }', member);
    expect(partial!.empty).toBe(false);
  });

  it('accepts any one of the @requiresScopes sets, but only with every scope of that set', () => {
    const query = '{ reports }';
    // Set 1 is ["admin", "reports:read"]; set 2 is ["auditor"].
    expect(filter(query, withScopes('admin'))!.removals.map((r) => r.code)).toEqual(['FORBIDDEN']);
    expect(filter(query, withScopes('reports:read'))!.removals.map((r) => r.code)).toEqual(['FORBIDDEN']);
    expect(filter(query, withScopes('admin', 'reports:read'))).toBeNull();
    expect(filter(query, withScopes('auditor'))).toBeNull();
    expect(filter(query, null)!.removals.map((r) => r.code)).toEqual(['UNAUTHENTICATED']);
  });
});
