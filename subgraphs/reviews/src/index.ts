import 'reflect-metadata';
import { startSubgraph, runtimeOptions, type RunningSubgraph, type SubgraphDefinition } from '@jobgraph/kit';
import { entities } from './entities/index.js';
import { migrations } from './migrations/index.js';
import { consumers } from './events/consumers.js';
import { GigReviewsResolver, ReviewResolver, UserReviewsResolver, references } from './graphql/review-resolver.js';
import { createReviewsServices, type ReviewsServices } from './services/index.js';
import { reviewsEnv, loadReviewsConfig, type ReviewsConfig } from './config.js';

export { reviewsEnv, loadReviewsConfig, type ReviewsConfig, type ReviewsServices };
export { entities as reviewsEntities } from './entities/index.js';
export { migrations as reviewsMigrations } from './migrations/index.js';
export * from './domain/review-rules.js';
export * from './domain/rating-facts.js';
export * from './events/published.js';
export { rebuildAnalytics, type RebuildProgress, type RebuildResult } from './services/analytics.js';

/** The reviews subgraph: two-way reviews after completed orders, rating aggregates and rating analytics. */
export function reviewsSubgraph(config: ReviewsConfig): SubgraphDefinition<ReviewsServices> {
  return {
    name: 'reviews',
    resolvers: [ReviewResolver, GigReviewsResolver, UserReviewsResolver],
    references,
    entities,
    migrations,
    consumers,
    services: (infra) => createReviewsServices(config, infra),
  };
}

export function startReviews(config: ReviewsConfig, overrides: { port?: number; databaseUrl?: string } = {}): Promise<RunningSubgraph<ReviewsServices>> {
  return startSubgraph(reviewsSubgraph(config), runtimeOptions('reviews', config, overrides));
}
