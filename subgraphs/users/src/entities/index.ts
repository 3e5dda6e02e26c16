import { BuyerProfile } from './buyer-profile.js';
import { SellerProfile } from './seller-profile.js';
import { ReceivedReview } from './received-review.js';

export { BuyerProfile, SellerProfile, ReceivedReview };
export { ReceivedReviewKind } from './received-review.js';
export type { LanguageSkill, ExperienceEntry, EducationEntry, CertificateEntry } from './seller-profile.js';
export const entities = [BuyerProfile, SellerProfile, ReceivedReview];
