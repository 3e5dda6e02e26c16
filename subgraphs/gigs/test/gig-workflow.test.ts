import { describe, expect, it } from 'vitest';
import { GigStatus, normaliseGigFields, statusAfterEdit, transition, type GigAction } from '@jobgraph/gigs';

const ALL = Object.values(GigStatus);
const ALLOWED: Record<GigAction, [GigStatus, GigStatus][]> = {
  submit: [[GigStatus.DRAFT, GigStatus.PENDING_REVIEW], [GigStatus.REJECTED, GigStatus.PENDING_REVIEW]],
  approve: [[GigStatus.PENDING_REVIEW, GigStatus.PUBLISHED]],
  reject: [[GigStatus.PENDING_REVIEW, GigStatus.REJECTED]],
  pause: [[GigStatus.PUBLISHED, GigStatus.PAUSED]],
  resume: [[GigStatus.PAUSED, GigStatus.PUBLISHED]],
};

describe('the gig moderation workflow', () => {
  for (const [action, moves] of Object.entries(ALLOWED) as [GigAction, [GigStatus, GigStatus][]][]) {
    it(`allows "${action}" exactly from ${moves.map(([from]) => from).join(' and ')}, and refuses it elsewhere with CONFLICT`, () => {
      for (const from of ALL) {
        const allowed = moves.find(([f]) => f === from);
        if (allowed) expect(transition(from, action)).toBe(allowed[1]);
        else expect(() => transition(from, action)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'CONFLICT' }) }));
      }
    });
  }

  it('sends a live gig back to review when buyers\' text changes, and leaves drafts and other edits alone', () => {
    expect(statusAfterEdit(GigStatus.PUBLISHED, true)).toBe(GigStatus.PENDING_REVIEW);
    expect(statusAfterEdit(GigStatus.PAUSED, true)).toBe(GigStatus.PENDING_REVIEW);
    expect(statusAfterEdit(GigStatus.PUBLISHED, false)).toBe(GigStatus.PUBLISHED);
    expect(statusAfterEdit(GigStatus.DRAFT, true)).toBe(GigStatus.DRAFT);
  });
});

describe('gig input rules', () => {
  const field = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return (err as { extensions?: { field?: string; code?: string } }).extensions;
    }
    return null;
  };

  it('refuses prices outside 5.00–50,000.00 and fractional minor units, naming `price`', () => {
    for (const price of [-100, 0, 499, 5_000_001, 1000.5]) expect(field(() => normaliseGigFields({ price }))).toEqual({ code: 'BAD_USER_INPUT', field: 'price' });
    expect(normaliseGigFields({ price: 500 }).price).toBe(500);
  });

  it('keeps markup as typed text and trims whitespace', () => {
    const description = '  <script>alert(1)</script> and a long enough description for a real gig page.  ';
    expect(normaliseGigFields({ description }).description).toBe(description.trim());
  });

  it('lower-cases and de-duplicates tags, and refuses more than five', () => {
    expect(normaliseGigFields({ tags: ['React', 'react', 'Node'] }).tags).toEqual(['react', 'node']);
    expect(field(() => normaliseGigFields({ tags: ['a1', 'b2', 'c3', 'd4', 'e5', 'f6'] }))?.field).toBe('tags');
    expect(field(() => normaliseGigFields({ tags: ['ok', 'x'] }))?.field).toBe('tags[1]');
  });

  it('accepts only http(s) cover images, and lets an update clear one with null', () => {
    expect(field(() => normaliseGigFields({ coverImageUrl: 'javascript:alert(1)' }))?.field).toBe('coverImageUrl');
    expect(field(() => normaliseGigFields({ coverImageUrl: 'data:image/png;base64,AAAA' }))?.field).toBe('coverImageUrl');
    expect(normaliseGigFields({ coverImageUrl: 'https://cdn.example.com/a.png' }).coverImageUrl).toBe('https://cdn.example.com/a.png');
    expect(normaliseGigFields({ coverImageUrl: null })).toEqual({ coverImageUrl: null });
  });

  it('only validates the fields an update names', () => {
    expect(normaliseGigFields({ deliveryDays: 3 })).toEqual({ deliveryDays: 3 });
  });
});
