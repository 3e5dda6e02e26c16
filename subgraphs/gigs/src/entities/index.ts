import { Category } from './category.js';
import { Seller } from './seller.js';
import { Gig } from './gig.js';
import { GigReview } from './gig-review.js';

export { Category, Seller, Gig, GigReview };
export const entities = [Category, Seller, Gig, GigReview];
