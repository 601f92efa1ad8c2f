// Names for the ids in the gateway's answers: each answer brings the names its reader may see (members
// from their sealed identity, staff from the directory); ids stay in URLs and data attributes.
const known = new Map<string, string>();

/** Keeps the names an answer brought (`names` by id). */
export function learnNames(names: Readonly<Record<string, string>> | undefined): void {
  for (const [id, name] of Object.entries(names ?? {})) known.set(id, name);
}

/** The person's name when an answer gave it, else their id (nothing better to show). */
export function nameOf(id: string | null | undefined): string {
  if (!id) return 'someone';
  return known.get(id) ?? id;
}

/**
 * A roster member's name when an answer gave it, else a neutral label by their place on the roster: a
 * member whose name the reader may not see is not shown by id either.
 */
export function rosterNameOf(memberId: string, index: number): string {
  return known.get(memberId) ?? 'Member ' + (index + 1) + ' of the roster';
}

/** A signed-out console keeps no names. */
export function forgetNames(): void {
  known.clear();
}
