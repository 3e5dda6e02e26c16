import { z } from 'zod';
import { subgraphEnv, loadConfig, port } from '@jobgraph/kit';

/** The reviews subgraph's environment (on top of the kit's). */
export const reviewsEnv = {
  ...subgraphEnv,
  REVIEWS_PORT: port(4007),
  REVIEWS_DATABASE_URL: z.url().optional(),
};

export type ReviewsConfig = ReturnType<typeof loadReviewsConfig>;
export const loadReviewsConfig = (env: Record<string, string | undefined> = process.env) => loadConfig(reviewsEnv, env);
