/**
 * What the signed-in principal may see, in one sentence for the header (docs/security.md): an
 * England principal sees everything; one scoped to a region, ICB or commissioner sees the
 * published roll-ups for all of England and the detail (practices, incidents, non-compliance
 * lists) within its scope only. The platform enforces it; the page says it, so a refusal in a
 * panel is expected rather than a surprise.
 */
import type { Level } from './levels';

/** The `me` answer (the Viewer type of the schema). */
export interface Viewer {
  readonly id: string;
  readonly kind: string;
  readonly name: string | null;
  readonly organisation: string;
  readonly role: string;
  readonly scope: string;
  readonly scopeName: string | null;
  readonly scopeLevel: Level | null;
}

/** "NHS South West London ICB (QWE)", or the code alone when the hierarchy does not name it. */
export function scopeLabel(viewer: Viewer): string {
  return viewer.scopeName ? `${viewer.scopeName} (${viewer.scope})` : viewer.scope;
}

/** Whether the principal sees everything (an England scope). */
export function isNational(viewer: Viewer): boolean {
  return viewer.scope === 'ENG' || viewer.scopeLevel === 'NATIONAL';
}

/** The sentence under the header saying what this principal may see. */
export function visibilitySentence(viewer: Viewer): string {
  if (isNational(viewer)) return `You see everything, as an England ${viewer.role}.`;
  return `You see published roll-ups for all of England; practices, incidents and non-compliance lists within ${viewer.scopeName ?? viewer.scope} only.`;
}

/** Who is signed in, for the header: the person's name for NHS CIS2 users, else the key's id. */
export function viewerName(viewer: Viewer): string {
  return viewer.name ?? viewer.id;
}
