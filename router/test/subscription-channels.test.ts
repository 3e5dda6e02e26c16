import { describe, expect, it } from 'vitest';
import { GraphQLID, GraphQLList, GraphQLNonNull, GraphQLString } from 'graphql';
import { ownershipChecks, subscriptionKeys } from '@jobgraph/router';

const id = new GraphQLNonNull(GraphQLID);
const ids = new GraphQLNonNull(new GraphQLList(id));

describe('subscription channel keys', () => {
  it('listens on the subscriber\'s own channel for a field without arguments', () => {
    expect(subscriptionKeys([], {}, 'me')).toEqual(['me']);
  });

  it('joins argument values in declared order', () => {
    expect(subscriptionKeys([{ name: 'conversationId' }, { name: 'kind' }], { kind: 'X', conversationId: 'c1' }, 'me')).toEqual(['c1:X']);
  });

  it('gives a list argument one channel per distinct element', () => {
    expect(subscriptionKeys([{ name: 'userIds' }], { userIds: ['a', 'b', 'a'] }, 'me')).toEqual(['a', 'b']);
    expect(subscriptionKeys([{ name: 'userIds' }], { userIds: [] }, 'me')).toEqual([]);
  });
});

describe('subscribe-time ownership checks', () => {
  it('asks `<x>(id)` for every `<x>Id` and each element of `<x>Ids`', () => {
    expect(ownershipChecks([{ name: 'conversationId', type: id }], { conversationId: 'c1' })).toEqual([{ argument: 'conversationId', lookup: 'conversation', id: 'c1' }]);
    expect(ownershipChecks([{ name: 'userIds', type: ids }], { userIds: ['u1', 'u2', 'u1'] })).toEqual([
      { argument: 'userIds', lookup: 'user', id: 'u1' },
      { argument: 'userIds', lookup: 'user', id: 'u2' },
    ]);
  });

  it('ignores arguments that are not ids by name and type', () => {
    expect(ownershipChecks([{ name: 'kind', type: GraphQLString }, { name: 'paid', type: id }, { name: 'fooId', type: GraphQLString }], { kind: 'a', paid: 'b', fooId: 'c' })).toEqual([]);
  });
});
