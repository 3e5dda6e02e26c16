import { BuyerProfile } from './buyer-profile.js';
import { SellerProfile } from './seller-profile.js';

export { BuyerProfile, SellerProfile };
export type { LanguageSkill, ExperienceEntry, EducationEntry, CertificateEntry } from './seller-profile.js';
export const entities = [BuyerProfile, SellerProfile];
