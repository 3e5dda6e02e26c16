import { describe, expect, it } from 'vitest';
import {
  EMAIL_MAX,
  PASSWORD_MAX,
  PASSWORD_MIN,
  checkPasswordStrength,
  hashToken,
  newOpaqueToken,
  normaliseEmail,
  normaliseUsername,
  scopesForRoles,
} from '@jobgraph/auth';

/** Runs `fn` and returns the error it throws, so a test can check what a form would show. */
function thrown(fn: () => unknown): { message: string; extensions: Record<string, unknown> } {
  try {
    fn();
  } catch (error) {
    return error as { message: string; extensions: Record<string, unknown> };
  }
  throw new Error('expected the call to throw');
}

describe('email addresses', () => {
  it('signs people up under one address whatever case or surrounding spaces they type', () => {
    expect(normaliseEmail('email', '  Ann.Smith@Example.COM ')).toBe('ann.smith@example.com');
  });

  it.each([
    ['an empty address', '   '],
    ['no @', 'ann.example.com'],
    ['no dot in the domain', 'ann@localhost'],
    ['two @', 'ann@@example.com'],
    ['a space inside', 'ann smith@example.com'],
    ['an empty label in the domain', 'ann@example..com'],
    ['a local part over 64 characters', `${'a'.repeat(65)}@example.com`],
  ])('refuses %s as BAD_USER_INPUT on the field the form sent', (_what, raw) => {
    const error = thrown(() => normaliseEmail('input.email', raw));
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.field).toBe('input.email');
  });

  it('says "required" for an empty address and "valid address" for a malformed one', () => {
    expect(thrown(() => normaliseEmail('email', '')).message).toMatch(/required/i);
    expect(thrown(() => normaliseEmail('email', 'nope')).message).toMatch(/valid address/i);
  });

  it(`accepts an address of exactly ${EMAIL_MAX} characters and refuses one longer`, () => {
    const domain = `${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(63)}.com`; // 195 characters
    const atMax = `${'a'.repeat(EMAIL_MAX - domain.length - 1)}@${domain}`;
    expect(atMax).toHaveLength(EMAIL_MAX);
    expect(normaliseEmail('email', atMax)).toBe(atMax);
    const tooLong = `${'a'.repeat(EMAIL_MAX - domain.length)}@${domain}`;
    expect(thrown(() => normaliseEmail('email', tooLong)).extensions.field).toBe('email');
  });
});

describe('usernames', () => {
  it('lower-cases and trims a username so /sellers/<username> has one spelling', () => {
    expect(normaliseUsername('username', '  Ann_Smith.99 ')).toBe('ann_smith.99');
  });

  it('accepts 3 and 30 characters, the bounds a form shows', () => {
    expect(normaliseUsername('username', 'abc')).toBe('abc');
    expect(normaliseUsername('username', `a${'b'.repeat(29)}`)).toHaveLength(30);
  });

  it.each([
    ['too short', 'ab'],
    ['too long', `a${'b'.repeat(30)}`],
    ['starting with a digit', '9lives'],
    ['starting with a dot', '.ann'],
    ['a slash (would break the profile URL)', 'ann/smith'],
    ['a space', 'ann smith'],
    ['non-ASCII letters', 'anné'],
  ])('refuses a username %s, naming the field', (_what, raw) => {
    const error = thrown(() => normaliseUsername('input.username', raw));
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.field).toBe('input.username');
  });
});

describe('password strength', () => {
  it('accepts a long, varied password', () => {
    expect(() => checkPasswordStrength('password', 'correct horse battery', ['ann', 'ann@example.com'])).not.toThrow();
  });

  it(`refuses a password shorter than ${PASSWORD_MIN} characters and accepts exactly ${PASSWORD_MIN}`, () => {
    const error = thrown(() => checkPasswordStrength('password', 'abcdefgh1'));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    expect(error.message).toContain(String(PASSWORD_MIN));
    expect(() => checkPasswordStrength('password', 'abcdefgh12')).not.toThrow();
  });

  it(`refuses a password longer than ${PASSWORD_MAX} characters`, () => {
    const long = 'abcdefghij'.repeat(13); // 130
    const error = thrown(() => checkPasswordStrength('newPassword', long));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newPassword' });
    expect(error.message).toContain(String(PASSWORD_MAX));
    expect(() => checkPasswordStrength('newPassword', long.slice(0, PASSWORD_MAX))).not.toThrow();
  });

  it('refuses one or a few characters repeated, however long', () => {
    expect(thrown(() => checkPasswordStrength('password', 'aaaaaaaaaaaa')).message).toMatch(/repeated/);
    expect(thrown(() => checkPasswordStrength('password', 'abcabcabcabc')).message).toMatch(/repeated/);
    expect(() => checkPasswordStrength('password', 'abcdabcdabcd')).not.toThrow();
  });

  it('refuses a password containing the username or email, in any case', () => {
    const error = thrown(() => checkPasswordStrength('password', 'MyNameIsAnnSmith!', ['annsmith', 'annsmith@example.com']));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    expect(error.message).toMatch(/username or email/);
  });

  it('ignores context strings shorter than 3 characters (a username "al" does not ban every "al")', () => {
    expect(() => checkPasswordStrength('password', 'totally fine words', ['al'])).not.toThrow();
  });
});

describe('opaque tokens and scopes', () => {
  it('issues a fresh 256-bit URL-safe token each time', () => {
    const a = newOpaqueToken();
    const b = newOpaqueToken();
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('stores a token only as a stable SHA-256 hex digest that differs from the token', () => {
    const token = newOpaqueToken();
    expect(hashToken(token)).toBe(hashToken(token));
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toBe(hashToken(newOpaqueToken()));
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('gives every account the "user" scope once, plus one scope per other role', () => {
    expect(scopesForRoles([])).toEqual(['user']);
    expect(scopesForRoles(['user'])).toEqual(['user']);
    expect(scopesForRoles(['user', 'admin'])).toEqual(['user', 'admin']);
    expect(scopesForRoles(['admin'])).toEqual(['user', 'admin']);
  });
});
