import { BadUserInputError } from '@jobgraph/kit';
import type { CertificateEntry, EducationEntry, ExperienceEntry, LanguageSkill } from '../entities/index.js';

/** Limits of a seller page: generous for a real profile, small enough that no request can bloat a row. */
export const LIMITS = {
  fullName: { min: 2, max: 100 },
  oneLiner: { min: 5, max: 120 },
  description: { min: 20, max: 2000 },
  skills: { min: 1, max: 20, itemMax: 40 },
  languages: { max: 10 },
  experience: { max: 20 },
  education: { max: 10 },
  certificates: { max: 20 },
  socialLinks: { max: 10, itemMax: 300 },
  text: 200,
  responseTimeHours: { min: 1, max: 168 },
} as const;

export const LANGUAGE_LEVELS = ['BASIC', 'CONVERSATIONAL', 'FLUENT', 'NATIVE'] as const;

const FIRST_YEAR = 1950;

function text(field: string, value: string, min: number, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length < min || trimmed.length > max) {
    throw new BadUserInputError(field, `${field} must be ${min}–${max} characters long.`);
  }
  return trimmed;
}

function list<T>(field: string, items: T[], max: number, min = 0): T[] {
  if (items.length < min || items.length > max) {
    throw new BadUserInputError(field, min > 0 ? `${field} must have ${min}–${max} entries.` : `${field} can have at most ${max} entries.`);
  }
  return items;
}

function year(field: string, value: number): number {
  const latest = new Date().getUTCFullYear() + 10;
  if (!Number.isInteger(value) || value < FIRST_YEAR || value > latest) {
    throw new BadUserInputError(field, `${field} must be a year between ${FIRST_YEAR} and ${latest}.`);
  }
  return value;
}

export function normaliseSkills(field: string, skills: string[]): string[] {
  list(field, skills, LIMITS.skills.max, LIMITS.skills.min);
  const out = skills.map((s, i) => text(`${field}[${i}]`, s, 1, LIMITS.skills.itemMax).toLowerCase());
  return [...new Set(out)];
}

export function normaliseLanguages(field: string, languages: LanguageSkill[]): LanguageSkill[] {
  return list(field, languages, LIMITS.languages.max).map((l, i) => {
    if (!(LANGUAGE_LEVELS as readonly string[]).includes(l.level)) {
      throw new BadUserInputError(`${field}[${i}].level`, `level must be one of ${LANGUAGE_LEVELS.join(', ')}.`);
    }
    return { language: text(`${field}[${i}].language`, l.language, 2, 60), level: l.level };
  });
}

export function normaliseExperience(field: string, entries: ExperienceEntry[]): ExperienceEntry[] {
  return list(field, entries, LIMITS.experience.max).map((e, i) => {
    const startYear = year(`${field}[${i}].startYear`, e.startYear);
    const endYear = e.endYear === null || e.endYear === undefined ? null : year(`${field}[${i}].endYear`, e.endYear);
    if (endYear !== null && endYear < startYear) {
      throw new BadUserInputError(`${field}[${i}].endYear`, 'endYear must not be before startYear.');
    }
    return {
      title: text(`${field}[${i}].title`, e.title, 2, LIMITS.text),
      company: text(`${field}[${i}].company`, e.company, 1, LIMITS.text),
      startYear,
      endYear,
    };
  });
}

export function normaliseEducation(field: string, entries: EducationEntry[]): EducationEntry[] {
  return list(field, entries, LIMITS.education.max).map((e, i) => ({
    school: text(`${field}[${i}].school`, e.school, 2, LIMITS.text),
    degree: text(`${field}[${i}].degree`, e.degree, 2, LIMITS.text),
    year: year(`${field}[${i}].year`, e.year),
  }));
}

export function normaliseCertificates(field: string, entries: CertificateEntry[]): CertificateEntry[] {
  return list(field, entries, LIMITS.certificates.max).map((c, i) => ({
    name: text(`${field}[${i}].name`, c.name, 2, LIMITS.text),
    issuer: text(`${field}[${i}].issuer`, c.issuer, 2, LIMITS.text),
    year: year(`${field}[${i}].year`, c.year),
  }));
}

/** Only http(s) links: a `javascript:` URL on a public profile would be an attack on its visitors. */
export function normaliseLinks(field: string, links: string[]): string[] {
  return list(field, links, LIMITS.socialLinks.max).map((raw, i) => {
    const value = raw.trim();
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new BadUserInputError(`${field}[${i}]`, `${field}[${i}] must be an http or https URL.`);
    }
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || value.length > LIMITS.socialLinks.itemMax) {
      throw new BadUserInputError(`${field}[${i}]`, `${field}[${i}] must be an http or https URL of at most ${LIMITS.socialLinks.itemMax} characters.`);
    }
    return url.toString();
  });
}

export function normaliseResponseTime(field: string, hours: number): number {
  const { min, max } = LIMITS.responseTimeHours;
  if (!Number.isInteger(hours) || hours < min || hours > max) {
    throw new BadUserInputError(field, `${field} must be a whole number of hours between ${min} and ${max}.`);
  }
  return hours;
}

export interface SellerProfileFields {
  fullName: string;
  oneLiner: string;
  description: string;
  skills: string[];
  languages: LanguageSkill[];
  experience: ExperienceEntry[];
  education: EducationEntry[];
  certificates: CertificateEntry[];
  socialLinks: string[];
  responseTimeHours: number;
}

/**
 * Validates and normalises whichever fields are present (all for becomeSeller, some for an update).
 * Field names in errors are the input paths a form binds to, e.g. `skills[2]`.
 */
export function normaliseSellerFields(input: { [K in keyof SellerProfileFields]?: SellerProfileFields[K] | null }): Partial<SellerProfileFields> {
  const out: Partial<SellerProfileFields> = {};
  if (input.fullName != null) out.fullName = text('fullName', input.fullName, LIMITS.fullName.min, LIMITS.fullName.max);
  if (input.oneLiner != null) out.oneLiner = text('oneLiner', input.oneLiner, LIMITS.oneLiner.min, LIMITS.oneLiner.max);
  if (input.description != null) out.description = text('description', input.description, LIMITS.description.min, LIMITS.description.max);
  if (input.skills != null) out.skills = normaliseSkills('skills', input.skills);
  if (input.languages != null) out.languages = normaliseLanguages('languages', input.languages);
  if (input.experience != null) out.experience = normaliseExperience('experience', input.experience);
  if (input.education != null) out.education = normaliseEducation('education', input.education);
  if (input.certificates != null) out.certificates = normaliseCertificates('certificates', input.certificates);
  if (input.socialLinks != null) out.socialLinks = normaliseLinks('socialLinks', input.socialLinks);
  if (input.responseTimeHours != null) out.responseTimeHours = normaliseResponseTime('responseTimeHours', input.responseTimeHours);
  return out;
}
