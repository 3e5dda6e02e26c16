import type { SubgraphContext, SubgraphInfra } from '@jobgraph/kit';
import type { ReviewsConfig } from '../config.js';

export interface ReviewsServices {
  config: ReviewsConfig;
}

export type ReviewsContext = SubgraphContext<ReviewsServices>;

export function createReviewsServices(config: ReviewsConfig, _infra: SubgraphInfra): ReviewsServices {
  return { config };
}
