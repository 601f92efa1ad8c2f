import { displayNameOf, type IdentityVault } from '@carecircle/gateway/application';
import { saveSealedStaffName, sealedStaffNames } from '@carecircle/gateway/read-models';
import { type Sql } from '@carecircle/platform/event-store';

/** The sealed staff directory (gateway.staff_identity): staff ids to names, sealed with the identity key. */
export interface StaffDirectory {
  sql: Sql;
  vault: IdentityVault;
}

/** Keeps a staff member's name, sealed, under their staff id. */
export function recordStaffName(directory: StaffDirectory, staffId: string, name: string): Promise<void> {
  return saveSealedStaffName(directory.sql, staffId, directory.vault.encrypt({ name: [{ text: name }] }));
}

/**
 * `staff id → name` for the ids the directory knows; the others are left out. Names go only into the
 * answer to the person reading them (the caller decided they may see who acted), never into a log.
 */
export async function staffNamesOf(
  directory: StaffDirectory,
  staffIds: readonly (string | null | undefined)[],
): Promise<Record<string, string>> {
  const ids = [...new Set(staffIds.filter((id): id is string => !!id))];
  const sealed = await sealedStaffNames(directory.sql, ids);
  return Object.fromEntries(
    sealed.flatMap(({ id, sealed: value }) => {
      const name = displayNameOf(directory.vault.decrypt<{ name?: unknown }>(value));
      return name ? [[id, name]] : [];
    }),
  );
}
