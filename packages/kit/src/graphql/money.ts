import { Directive, Field, Int, ObjectType } from 'type-graphql';

/** Money is integer minor units plus an ISO 4217 code, never a float (DESIGN.md §2). Shared by every subgraph. */
@ObjectType({ description: 'An amount of money: integer minor units (cents) and an ISO 4217 currency code.' })
@Directive('@shareable')
export class Money {
  @Field(() => Int, { description: 'Amount in minor units, e.g. 1999 for 19.99.' })
  amount!: number;

  @Field(() => String, { description: 'ISO 4217 currency code, e.g. "USD".' })
  currency!: string;
}
