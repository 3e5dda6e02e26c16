import { ReviewableOrder } from './reviewable-order.js';
import { Review, ReviewReport } from './review.js';
import { GigRatingMonth, GigRatingStats, RatingFact, SellerRatingMonth, SellerRatingStats } from './analytics.js';

export * from './reviewable-order.js';
export * from './review.js';
export * from './analytics.js';

export const entities = [ReviewableOrder, Review, ReviewReport, RatingFact, GigRatingStats, SellerRatingStats, GigRatingMonth, SellerRatingMonth];
