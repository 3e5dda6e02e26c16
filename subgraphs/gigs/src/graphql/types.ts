import { ArgsType, Directive, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType, Money, PageArgs } from '@jobgraph/kit';
import { GigStatus } from '../domain/gig-workflow.js';

registerEnumType(GigStatus, {
  name: 'GigStatus',
  description: 'Where a gig is in its moderation workflow.',
  valuesConfig: {
    DRAFT: { description: 'Being written; only the seller sees it.' },
    PENDING_REVIEW: { description: 'Submitted; waiting for an admin.' },
    PUBLISHED: { description: 'Live: buyers find and order it.' },
    REJECTED: { description: 'Refused by an admin (see rejectionReason); can be edited and submitted again.' },
    PAUSED: { description: 'Taken offline by the seller; can be resumed.' },
  },
});

export enum GigSort {
  RELEVANCE = 'RELEVANCE',
  NEWEST = 'NEWEST',
  PRICE_ASC = 'PRICE_ASC',
  PRICE_DESC = 'PRICE_DESC',
  RATING = 'RATING',
}
registerEnumType(GigSort, {
  name: 'GigSort',
  description: 'Order of search results.',
  valuesConfig: {
    RELEVANCE: { description: 'Best match for the query first (NEWEST without a query).' },
    NEWEST: { description: 'Most recently published first.' },
    PRICE_ASC: { description: 'Cheapest first.' },
    PRICE_DESC: { description: 'Most expensive first.' },
    RATING: { description: 'Highest average rating first, then most reviews.' },
  },
});

@ObjectType('User', { description: 'A JobGraph account (owned by auth); gigs adds the gigs a user sells.' })
@Directive('@key(fields: "id")')
export class UserRef {
  @Field(() => ID, { description: 'The user id issued by auth.' })
  id!: string;
}

@ObjectType({ description: 'A category or sub-category of the catalogue.' })
export class Category {
  @Field(() => ID, { description: 'Stable slug, e.g. "web-development".' })
  id!: string;
  @Field(() => String, { description: 'Display name.' })
  name!: string;
  @Field(() => ID, { nullable: true, description: 'The parent category\'s id; null for a top-level category.' })
  parentId!: string | null;
  @Field(() => [Category], { description: 'Sub-categories (empty for a sub-category).' })
  subCategories!: Category[];
}

@ObjectType({ description: 'How many reviews gave a number of stars.' })
export class StarCount {
  @Field(() => Int, { description: 'Stars, 1–5.' })
  stars!: number;
  @Field(() => Int, { description: 'Number of reviews with that many stars.' })
  count!: number;
}

@ObjectType({ description: 'A gig\'s rating from buyers\' reviews.' })
export class GigRating {
  @Field(() => Int, { description: 'Number of reviews.' })
  count!: number;
  @Field(() => Float, { nullable: true, description: 'Average stars, rounded to two decimals; null without reviews.' })
  average!: number | null;
  @Field(() => [StarCount], { description: 'Reviews per star value, 5 down to 1.' })
  distribution!: StarCount[];
}

@ObjectType({ description: 'A service a seller offers.' })
@Directive('@key(fields: "id")')
export class Gig {
  @Field(() => ID, { description: 'Gig id (UUIDv7).' })
  id!: string;
  @Field(() => UserRef, { description: 'The seller (fields from every subgraph: username, seller profile…).' })
  seller!: UserRef;
  @Field(() => String, { description: 'Headline, 15–80 characters.' })
  title!: string;
  @Field(() => String, { description: 'Full description, shown as text (never interpreted as HTML).' })
  description!: string;
  @Field(() => String, { description: 'Short pitch title for cards.' })
  basicTitle!: string;
  @Field(() => String, { description: 'Short pitch for cards.' })
  basicDescription!: string;
  @Field(() => Category, { description: 'Top-level category.' })
  category!: Category;
  @Field(() => Category, { nullable: true, description: 'Sub-category, if any.' })
  subCategory!: Category | null;
  @Field(() => [String], { description: 'Lower-case search tags (up to 5).' })
  tags!: string[];
  @Field(() => Money, { description: 'Price of the basic package.' })
  price!: Money;
  @Field(() => Int, { description: 'Days from order to delivery.' })
  deliveryDays!: number;
  @Field(() => String, { nullable: true, description: 'Cover image (http/https URL).' })
  coverImageUrl!: string | null;
  @Field(() => GigStatus, { description: 'Moderation status. Others than the seller and admins only ever see PUBLISHED gigs.' })
  status!: GigStatus;
  @Field(() => String, { nullable: true, description: 'Why an admin rejected it (REJECTED only).' })
  rejectionReason!: string | null;
  @Field(() => GigRating, { description: 'Rating from reviews of completed orders.' })
  rating!: GigRating;
  @Field(() => Date, { description: 'When the gig was created.' })
  createdAt!: Date;
  @Field(() => Date, { description: 'Last change.' })
  updatedAt!: Date;
  @Field(() => Date, { nullable: true, description: 'When it was last published.' })
  publishedAt!: Date | null;
}

export const GigConnection = ConnectionType(Gig, 'Gig', 'A page of gigs.');

@InputType({ description: 'Narrows a gig search; every field is optional and they combine with AND.' })
export class GigFilter {
  @Field(() => ID, { nullable: true, description: 'Top-level category id.' }) category?: string | null;
  @Field(() => ID, { nullable: true, description: 'Sub-category id.' }) subCategory?: string | null;
  @Field(() => Int, { nullable: true, description: 'Lowest price, minor units.' }) minPrice?: number | null;
  @Field(() => Int, { nullable: true, description: 'Highest price, minor units.' }) maxPrice?: number | null;
  @Field(() => Int, { nullable: true, description: 'Longest acceptable delivery, in days.' }) maxDeliveryDays?: number | null;
  @Field(() => ID, { nullable: true, description: 'Only this seller\'s gigs.' }) sellerId?: string | null;
  @Field(() => [String], { nullable: true, description: 'Gigs carrying all of these tags.' }) tags?: string[] | null;
}

@ArgsType()
export class SearchGigsArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Words to look for (title counts most, then tags, then descriptions); typos are tolerated.' })
  query?: string | null;
  @Field(() => GigFilter, { nullable: true, description: 'Filters.' })
  filter?: GigFilter | null;
  @Field(() => GigSort, { defaultValue: GigSort.RELEVANCE, description: 'Order of results.' })
  sort!: GigSort;
}

@InputType({ description: 'A new gig (created as DRAFT).' })
export class CreateGigInput {
  @Field(() => String, { description: '15–80 characters.' }) title!: string;
  @Field(() => String, { description: '50–5000 characters; shown as text.' }) description!: string;
  @Field(() => String, { description: 'Short pitch title, 5–60 characters.' }) basicTitle!: string;
  @Field(() => String, { description: 'Short pitch, 10–300 characters.' }) basicDescription!: string;
  @Field(() => ID, { description: 'Top-level category id (see `categories`).' }) categoryId!: string;
  @Field(() => ID, { nullable: true, description: 'Sub-category id within the category.' }) subCategoryId?: string | null;
  @Field(() => [String], { defaultValue: [], description: 'Up to 5 tags of 2–24 characters.' }) tags!: string[];
  @Field(() => Int, { description: 'Price in minor units (500 = 5.00), 500–5,000,000.' }) price!: number;
  @Field(() => Int, { description: 'Days to deliver, 1–90.' }) deliveryDays!: number;
  @Field(() => String, { nullable: true, description: 'Cover image, an http(s) URL.' }) coverImageUrl?: string | null;
}

@InputType({ description: 'Changes to a gig; omitted fields stay. Editing the title or description of a live gig sends it back to review.' })
export class UpdateGigInput {
  @Field(() => String, { nullable: true, description: '15–80 characters.' }) title?: string | null;
  @Field(() => String, { nullable: true, description: '50–5000 characters.' }) description?: string | null;
  @Field(() => String, { nullable: true, description: '5–60 characters.' }) basicTitle?: string | null;
  @Field(() => String, { nullable: true, description: '10–300 characters.' }) basicDescription?: string | null;
  @Field(() => ID, { nullable: true, description: 'Top-level category id.' }) categoryId?: string | null;
  @Field(() => ID, { nullable: true, description: 'Sub-category id.' }) subCategoryId?: string | null;
  @Field(() => [String], { nullable: true, description: 'Replaces the tags.' }) tags?: string[] | null;
  @Field(() => Int, { nullable: true, description: 'Price in minor units.' }) price?: number | null;
  @Field(() => Int, { nullable: true, description: 'Days to deliver.' }) deliveryDays?: number | null;
  @Field(() => String, { nullable: true, description: 'Cover image URL.' }) coverImageUrl?: string | null;
}
