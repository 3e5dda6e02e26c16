import { describe, expect, it } from 'vitest';
import { LIMITS, normaliseSellerFields, type SellerProfileFields } from '@jobgraph/users';

type Input = Parameters<typeof normaliseSellerFields>[0];

/** The error a form would receive, or a failure when nothing was thrown. */
function refusal(input: Input): { message: string; extensions: Record<string, unknown> } {
  try {
    normaliseSellerFields(input);
  } catch (error) {
    return error as { message: string; extensions: Record<string, unknown> };
  }
  throw new Error('expected the input to be refused');
}

const fieldOf = (input: Input) => {
  const error = refusal(input);
  expect(error.extensions.code).toBe('BAD_USER_INPUT');
  return error.extensions.field;
};

const complete: SellerProfileFields = {
  fullName: '  Ann Smith ',
  oneLiner: 'I build fast web apps',
  description: 'Ten years of TypeScript, GraphQL and PostgreSQL for startups.',
  skills: ['TypeScript', 'GraphQL'],
  languages: [{ language: 'English', level: 'NATIVE' }],
  experience: [{ title: 'Engineer', company: 'Acme', startYear: 2015, endYear: 2020 }],
  education: [{ school: 'MIT', degree: 'BSc', year: 2014 }],
  certificates: [{ name: 'AWS SA', issuer: 'Amazon', year: 2019 }],
  socialLinks: ['https://github.com/ann'],
  responseTimeHours: 24,
};

describe('seller profile rules', () => {
  it('accepts a complete profile for becomeSeller, trimming the text', () => {
    const out = normaliseSellerFields(complete);
    expect(out.fullName).toBe('Ann Smith');
    expect(out.experience).toEqual([{ title: 'Engineer', company: 'Acme', startYear: 2015, endYear: 2020 }]);
    expect(out.socialLinks).toEqual(['https://github.com/ann']);
    expect(out.responseTimeHours).toBe(24);
  });

  it('stores skills lower-cased and without duplicates, so a search for "graphql" finds the seller once', () => {
    expect(normaliseSellerFields({ skills: [' GraphQL', 'graphql', 'TypeScript ', 'typescript', 'SQL'] }).skills).toEqual([
      'graphql',
      'typescript',
      'sql',
    ]);
  });

  it('names the one bad skill by its index', () => {
    expect(fieldOf({ skills: ['graphql', '   ', 'sql'] })).toBe('skills[1]');
    expect(fieldOf({ skills: ['graphql', 'x'.repeat(LIMITS.skills.itemMax + 1)] })).toBe('skills[1]');
  });

  it('requires at least one skill and at most the limit', () => {
    expect(fieldOf({ skills: [] })).toBe('skills');
    expect(fieldOf({ skills: Array.from({ length: LIMITS.skills.max + 1 }, (_, i) => `skill${i}`) })).toBe('skills');
  });

  it('points at the level of the language entry that has an unknown level', () => {
    expect(fieldOf({ languages: [{ language: 'English', level: 'EXPERT' }] })).toBe('languages[0].level');
    expect(fieldOf({ languages: [{ language: 'English', level: 'FLUENT' }, { language: 'E', level: 'BASIC' }] })).toBe('languages[1].language');
  });

  it('refuses a javascript: link on a public profile, naming the link', () => {
    const error = refusal({ socialLinks: ['javascript:alert(document.cookie)'] });
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'socialLinks[0]' });
    expect(fieldOf({ socialLinks: ['https://ok.example', 'data:text/html,<script>1</script>'] })).toBe('socialLinks[1]');
    expect(fieldOf({ socialLinks: ['not a url'] })).toBe('socialLinks[0]');
    expect(fieldOf({ socialLinks: [`https://example.com/${'a'.repeat(LIMITS.socialLinks.itemMax)}`] })).toBe('socialLinks[0]');
  });

  it('refuses a job that ends before it starts, pointing at endYear', () => {
    const error = refusal({ experience: [{ title: 'Engineer', company: 'Acme', startYear: 2020, endYear: 2019 }] });
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'experience[0].endYear' });
  });

  it('accepts a current job (no endYear) and one that starts and ends in the same year', () => {
    const out = normaliseSellerFields({
      experience: [
        { title: 'Engineer', company: 'Acme', startYear: 2020, endYear: null },
        { title: 'Intern', company: 'Acme', startYear: 2014, endYear: 2014 },
      ],
    });
    expect(out.experience?.map((e) => e.endYear)).toEqual([null, 2014]);
  });

  it('refuses implausible years on education and certificates, naming the entry', () => {
    expect(fieldOf({ education: [{ school: 'MIT', degree: 'BSc', year: 1900 }] })).toBe('education[0].year');
    expect(fieldOf({ certificates: [complete.certificates[0], { name: 'X1', issuer: 'Y1', year: 2014.5 }] })).toBe('certificates[1].year');
  });

  it('refuses a response time outside 1–168 whole hours', () => {
    expect(fieldOf({ responseTimeHours: 0 })).toBe('responseTimeHours');
    expect(fieldOf({ responseTimeHours: 169 })).toBe('responseTimeHours');
    expect(fieldOf({ responseTimeHours: 1.5 })).toBe('responseTimeHours');
  });

  it('on a partial update returns only the fields given, leaving the rest of the profile untouched', () => {
    const out = normaliseSellerFields({ oneLiner: '  New one-liner here ', skills: ['Rust'], description: null });
    expect(out).toEqual({ oneLiner: 'New one-liner here', skills: ['rust'] });
    expect(Object.keys(normaliseSellerFields({}))).toEqual([]);
  });
});
