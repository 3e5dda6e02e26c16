import { Category } from './category.js';
import { Seller } from './seller.js';
import { Gig } from './gig.js';

export { Category, Seller, Gig };
export const entities = [Category, Seller, Gig];
