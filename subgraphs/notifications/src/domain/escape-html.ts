const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Makes text safe inside HTML element content and quoted attribute values: every character that can open a tag,
 * an entity or close an attribute is replaced. Every string in an email's HTML part goes through this, user-supplied
 * or not, so "is this one trusted?" never has to be asked.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
