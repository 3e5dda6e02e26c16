import { averageRating } from '@jobgraph/kit';
import type { Gig as GigEntity, Category as CategoryEntity } from '../entities/index.js';
import type { GigStatus } from '../domain/gig-workflow.js';
import type { GigRow } from '../services/search.js';
import type { Category, Gig } from './types.js';

/** A gig as plain data: what the cache stores and both SQL rows and entities are turned into. */
export interface GigData {
  id: string;
  sellerId: string;
  title: string;
  description: string;
  basicTitle: string;
  basicDescription: string;
  categoryId: string;
  subCategoryId: string | null;
  tags: string[];
  price: number;
  currency: string;
  deliveryDays: number;
  coverImageUrl: string | null;
  status: GigStatus;
  rejectionReason: string | null;
  ratingCount: number;
  ratingSum: number;
  stars: [number, number, number, number, number];
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
}

const iso = (v: unknown): string => (v instanceof Date ? v : new Date(String(v))).toISOString();

export function fromRow(r: GigRow): GigData {
  return {
    id: r.id,
    sellerId: String(r.seller_id),
    title: String(r.title),
    description: String(r.description),
    basicTitle: String(r.basic_title),
    basicDescription: String(r.basic_description),
    categoryId: String(r.category_id),
    subCategoryId: (r.sub_category_id as string | null) ?? null,
    tags: r.tags as string[],
    price: Number(r.price),
    currency: String(r.currency),
    deliveryDays: Number(r.delivery_days),
    coverImageUrl: (r.cover_image_url as string | null) ?? null,
    status: r.status as GigStatus,
    rejectionReason: (r.rejection_reason as string | null) ?? null,
    ratingCount: Number(r.rating_count),
    ratingSum: Number(r.rating_sum),
    stars: [Number(r.stars1), Number(r.stars2), Number(r.stars3), Number(r.stars4), Number(r.stars5)],
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    publishedAt: r.published_at ? iso(r.published_at) : null,
  };
}

export function fromEntity(g: GigEntity): GigData {
  return {
    id: g.id,
    sellerId: g.sellerId,
    title: g.title,
    description: g.description,
    basicTitle: g.basicTitle,
    basicDescription: g.basicDescription,
    categoryId: g.categoryId,
    subCategoryId: g.subCategoryId,
    tags: g.tags,
    price: g.price,
    currency: g.currency,
    deliveryDays: g.deliveryDays,
    coverImageUrl: g.coverImageUrl,
    status: g.status,
    rejectionReason: g.rejectionReason,
    ratingCount: g.ratingCount,
    ratingSum: g.ratingSum,
    stars: [g.stars1, g.stars2, g.stars3, g.stars4, g.stars5],
    createdAt: g.createdAt.toISOString(),
    updatedAt: g.updatedAt.toISOString(),
    publishedAt: g.publishedAt?.toISOString() ?? null,
  };
}

export function categoryView(c: CategoryEntity, all: Map<string, CategoryEntity>): Category {
  const subs = [...all.values()].filter((x) => x.parentId === c.id).sort((a, b) => a.position - b.position);
  return { id: c.id, name: c.name, parentId: c.parentId, subCategories: subs.map((s) => categoryView(s, all)) };
}

export function toGigView(d: GigData, categories: Map<string, CategoryEntity>): Gig {
  const category = categories.get(d.categoryId);
  const sub = d.subCategoryId ? categories.get(d.subCategoryId) : undefined;
  return {
    id: d.id,
    seller: { id: d.sellerId },
    title: d.title,
    description: d.description,
    basicTitle: d.basicTitle,
    basicDescription: d.basicDescription,
    category: category ? categoryView(category, categories) : { id: d.categoryId, name: d.categoryId, parentId: null, subCategories: [] },
    subCategory: sub ? categoryView(sub, categories) : null,
    tags: d.tags,
    price: { amount: d.price, currency: d.currency },
    deliveryDays: d.deliveryDays,
    coverImageUrl: d.coverImageUrl,
    status: d.status,
    rejectionReason: d.rejectionReason,
    rating: {
      count: d.ratingCount,
      average: averageRating(d.ratingSum, d.ratingCount),
      distribution: [5, 4, 3, 2, 1].map((stars) => ({ stars, count: d.stars[stars - 1] })),
    },
    createdAt: new Date(d.createdAt),
    updatedAt: new Date(d.updatedAt),
    publishedAt: d.publishedAt ? new Date(d.publishedAt) : null,
  };
}
