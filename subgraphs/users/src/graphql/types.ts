import { Directive, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType, Money } from '@jobgraph/kit';

export enum LanguageLevel {
  BASIC = 'BASIC',
  CONVERSATIONAL = 'CONVERSATIONAL',
  FLUENT = 'FLUENT',
  NATIVE = 'NATIVE',
}
registerEnumType(LanguageLevel, {
  name: 'LanguageLevel',
  description: 'How well a seller speaks a language.',
  valuesConfig: {
    BASIC: { description: 'Can get by in simple exchanges.' },
    CONVERSATIONAL: { description: 'Talks about work comfortably.' },
    FLUENT: { description: 'Works in the language without effort.' },
    NATIVE: { description: 'First language or equivalent.' },
  },
});

@ObjectType('User', { description: 'A JobGraph account (owned by auth); users adds the buyer and seller profiles.' })
@Directive('@key(fields: "id")')
export class UserRef {
  @Field(() => ID, { description: 'The user id issued by auth.' })
  id!: string;
}

@ObjectType({ description: 'Average star rating and how many reviews it is based on.' })
export class RatingSummary {
  @Field(() => Int, { description: 'Number of reviews.' })
  count!: number;
  @Field(() => Float, { nullable: true, description: 'Average of 1–5 stars, rounded to two decimals; null without reviews.' })
  average!: number | null;
}

@ObjectType({ description: 'The buying side of a user; every user has one.' })
export class BuyerProfile {
  @Field(() => String, { description: 'The user\'s public handle.' })
  username!: string;

  @Field(() => Date, { description: 'When the user joined.' })
  memberSince!: Date;

  @Field(() => RatingSummary, { description: 'Rating from sellers\' reviews of the user as a buyer (hidden reviews left out).' })
  rating!: RatingSummary;
}

@ObjectType({ description: 'A language the seller speaks.' })
export class Language {
  @Field(() => String, { description: 'Language name, e.g. "English".' })
  language!: string;

  @Field(() => LanguageLevel, { description: 'Proficiency.' })
  level!: LanguageLevel;
}

@ObjectType({ description: 'A past or current position.' })
export class Experience {
  @Field(() => String, { description: 'Role or job title.' })
  title!: string;
  @Field(() => String, { description: 'Company or client.' })
  company!: string;
  @Field(() => Int, { description: 'Year started.' })
  startYear!: number;
  @Field(() => Int, { nullable: true, description: 'Year ended; null while current.' })
  endYear!: number | null;
}

@ObjectType({ description: 'A degree or course.' })
export class Education {
  @Field(() => String, { description: 'School or institution.' })
  school!: string;
  @Field(() => String, { description: 'Degree or course title.' })
  degree!: string;
  @Field(() => Int, { description: 'Year of graduation.' })
  year!: number;
}

@ObjectType({ description: 'A certification.' })
export class Certificate {
  @Field(() => String, { description: 'Certificate name.' })
  name!: string;
  @Field(() => String, { description: 'Who issued it.' })
  issuer!: string;
  @Field(() => Int, { description: 'Year obtained.' })
  year!: number;
}

@ObjectType({ description: 'Work counters of a seller, kept from order events.' })
export class SellerStats {
  @Field(() => Int, { description: 'Orders in progress.' })
  ongoingJobs!: number;
  @Field(() => Int, { description: 'Orders completed.' })
  completedJobs!: number;
  @Field(() => Int, { description: 'Orders cancelled.' })
  cancelledJobs!: number;
  @Field(() => Money, { description: 'Total earned from completed orders.' })
  earnings!: Money;
}

@ObjectType({ description: 'A seller\'s public page.' })
export class SellerProfile {
  @Field(() => ID, { description: 'The seller\'s user id.' })
  id!: string;
  @Field(() => UserRef, { description: 'The seller\'s account (fields from every subgraph).' })
  user!: UserRef;
  @Field(() => String, { description: 'Public handle (unique).' })
  username!: string;
  @Field(() => String, { description: 'Full name as shown on the profile.' })
  fullName!: string;
  @Field(() => String, { description: 'Short headline.' })
  oneLiner!: string;
  @Field(() => String, { description: 'About the seller.' })
  description!: string;
  @Field(() => [String], { description: 'Skills, lower-case.' })
  skills!: string[];
  @Field(() => [Language], { description: 'Languages spoken.' })
  languages!: Language[];
  @Field(() => [Experience], { description: 'Work history.' })
  experience!: Experience[];
  @Field(() => [Education], { description: 'Education.' })
  education!: Education[];
  @Field(() => [Certificate], { description: 'Certificates.' })
  certificates!: Certificate[];
  @Field(() => [String], { description: 'Links to portfolios and social profiles (http/https).' })
  socialLinks!: string[];
  @Field(() => Int, { description: 'Typical hours until the seller answers.' })
  responseTimeHours!: number;
  @Field(() => SellerStats, { description: 'Work counters.' })
  stats!: SellerStats;
  @Field(() => RatingSummary, { description: 'Rating from buyers\' reviews of the user as a seller (hidden reviews left out).' })
  rating!: RatingSummary;
  @Field(() => Date, { description: 'When the user became a seller.' })
  createdAt!: Date;
  @Field(() => Date, { description: 'Last profile change.' })
  updatedAt!: Date;
}

export const SellerProfileConnection = ConnectionType(SellerProfile, 'SellerProfile', 'A page of sellers, newest first.');

@InputType({ description: 'A language and level.' })
export class LanguageInput {
  @Field(() => String, { description: 'Language name, 2–60 characters.' }) language!: string;
  @Field(() => LanguageLevel, { description: 'Proficiency.' }) level!: LanguageLevel;
}
@InputType({ description: 'A position held.' })
export class ExperienceInput {
  @Field(() => String, { description: 'Role or job title.' }) title!: string;
  @Field(() => String, { description: 'Company or client.' }) company!: string;
  @Field(() => Int, { description: 'Year started (1950 or later).' }) startYear!: number;
  @Field(() => Int, { nullable: true, description: 'Year ended; omit while current.' }) endYear!: number | null;
}
@InputType({ description: 'A degree or course.' })
export class EducationInput {
  @Field(() => String, { description: 'School or institution.' }) school!: string;
  @Field(() => String, { description: 'Degree or course title.' }) degree!: string;
  @Field(() => Int, { description: 'Year (1950 or later).' }) year!: number;
}
@InputType({ description: 'A certification.' })
export class CertificateInput {
  @Field(() => String, { description: 'Certificate name.' }) name!: string;
  @Field(() => String, { description: 'Who issued it.' }) issuer!: string;
  @Field(() => Int, { description: 'Year (1950 or later).' }) year!: number;
}

@InputType({ description: 'Everything a new seller page needs.' })
export class BecomeSellerInput {
  @Field(() => String, { description: '2–100 characters.' }) fullName!: string;
  @Field(() => String, { description: '5–120 characters.' }) oneLiner!: string;
  @Field(() => String, { description: '20–2000 characters.' }) description!: string;
  @Field(() => [String], { description: '1–20 skills of up to 40 characters.' }) skills!: string[];
  @Field(() => [LanguageInput], { defaultValue: [], description: 'Up to 10 languages.' }) languages!: LanguageInput[];
  @Field(() => [ExperienceInput], { defaultValue: [], description: 'Up to 20 positions.' }) experience!: ExperienceInput[];
  @Field(() => [EducationInput], { defaultValue: [], description: 'Up to 10 entries.' }) education!: EducationInput[];
  @Field(() => [CertificateInput], { defaultValue: [], description: 'Up to 20 certificates.' }) certificates!: CertificateInput[];
  @Field(() => [String], { defaultValue: [], description: 'Up to 10 http(s) URLs.' }) socialLinks!: string[];
  @Field(() => Int, { defaultValue: 24, description: 'Typical hours to answer (1–168).' }) responseTimeHours!: number;
}

@InputType({ description: 'Changes to a seller page; omitted fields stay as they are.' })
export class UpdateSellerProfileInput {
  @Field(() => String, { nullable: true, description: 'New full name (2–100 characters).' }) fullName?: string | null;
  @Field(() => String, { nullable: true, description: 'New headline (5–120 characters).' }) oneLiner?: string | null;
  @Field(() => String, { nullable: true, description: 'New description (20–2000 characters).' }) description?: string | null;
  @Field(() => [String], { nullable: true, description: 'Replaces the skills (1–20).' }) skills?: string[] | null;
  @Field(() => [LanguageInput], { nullable: true, description: 'Replaces the languages.' }) languages?: LanguageInput[] | null;
  @Field(() => [ExperienceInput], { nullable: true, description: 'Replaces the work history.' }) experience?: ExperienceInput[] | null;
  @Field(() => [EducationInput], { nullable: true, description: 'Replaces the education.' }) education?: EducationInput[] | null;
  @Field(() => [CertificateInput], { nullable: true, description: 'Replaces the certificates.' }) certificates?: CertificateInput[] | null;
  @Field(() => [String], { nullable: true, description: 'Replaces the links (up to 10 http(s) URLs).' }) socialLinks?: string[] | null;
  @Field(() => Int, { nullable: true, description: 'New typical response time in hours (1–168).' }) responseTimeHours?: number | null;
}
