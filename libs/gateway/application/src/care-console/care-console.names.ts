/** A FHIR HumanName as the sealed identity keeps it (only what a display name needs). */
interface HumanNameLike {
  use?: unknown;
  text?: unknown;
  family?: unknown;
  given?: unknown;
  prefix?: unknown;
}

const USE_RANK: Record<string, number> = { usual: 0, official: 1 };
const MAX_NAME = 80;

/**
 * The name a person reads for someone: the usual name before the official one, before any other (an
 * old or maiden name comes last); its text, else its given names and family. Undefined when there is none.
 */
export function displayNameOf(identity: { name?: unknown } | undefined): string | undefined {
  const names = (Array.isArray(identity?.name) ? identity.name : []).filter(
    (name): name is HumanNameLike => typeof name === 'object' && name !== null,
  );
  const ranked = names
    .map((name, index) => ({ name, rank: USE_RANK[String(name.use)] ?? (name.use === 'old' ? 9 : 2), index }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index);
  for (const { name } of ranked) {
    const text = typeof name.text === 'string' ? name.text.trim() : '';
    const parts = [...(Array.isArray(name.given) ? name.given : []), name.family].filter(
      (part): part is string => typeof part === 'string' && part.trim() !== '',
    );
    const shown = text || parts.map((part) => part.trim()).join(' ');
    if (shown) return shown.slice(0, MAX_NAME);
  }
  return undefined;
}

/** The ids a console answer names: members of alerts, and the staff who acted on them. */
export function staffIdsActing(
  alerts: readonly {
    acknowledged?: { by: string | null } | null;
    resolved?: { by: string | null } | null;
  }[],
): string[] {
  return [
    ...new Set(
      alerts.flatMap((alert) => [alert.acknowledged?.by, alert.resolved?.by]).filter((id): id is string => !!id),
    ),
  ];
}
