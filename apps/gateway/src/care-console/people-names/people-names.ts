import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Request } from 'express';
import { displayNameOf } from '@carecircle/gateway/application';
import { sealedMemberIdentities } from '@carecircle/gateway/read-models';
import { recordStaffName, staffNamesOf } from '../../staff-directory/staff-directory';
import { DEMO_USERS } from '../../web-ui/dev-identity-provider';
import { CareConsoleAccess } from '../care-console.access';
import { CARE_CONSOLE_DEPS, type CareConsoleDeps } from '../care-console.deps';

/**
 * Synthetic names of the development sign-in's demo users (their ids are the contract fixtures' and the
 * demo cohort's staff), put in the staff directory only when that sign-in is on.
 */
const DEMO_STAFF_NAMES: Readonly<Record<string, string>> = {
  facilitator: 'Sam Okafor',
  clinician: 'Dr. Ines Brandt',
  lead: 'Priya Nair',
  admin: 'Tom Berger',
};

/**
 * Names for the ids a console answer carries: members' from their sealed identity, opened here only for
 * members the caller may see (audited), staff's from the sealed staff directory. Ids stay what travels
 * (bus, URLs, services); names exist only in the answer to the person reading them, never in a log.
 */
@Injectable()
export class PeopleNames implements OnApplicationBootstrap {
  constructor(
    @Inject(CARE_CONSOLE_DEPS) private readonly deps: CareConsoleDeps,
    private readonly access: CareConsoleAccess,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.deps.devIdp) return;
    for (const user of DEMO_USERS) {
      const name = DEMO_STAFF_NAMES[user.username];
      if (name) await this.recordStaffName(user.sub, name);
    }
  }

  /** Keeps a staff member's name, sealed, under their staff id. */
  recordStaffName(staffId: string, name: string): Promise<void> {
    return recordStaffName(this.deps, staffId, name);
  }

  /** `id → name` for the members the caller may see and the staff the directory knows; others are left out. */
  async of(
    request: Request,
    ids: { members?: readonly string[]; staff?: readonly (string | null | undefined)[] },
  ): Promise<Record<string, string>> {
    const members = await this.access.membersNamedFor(request, ids.members ?? []);
    const memberNames = (await sealedMemberIdentities(this.deps.sql, members)).flatMap(({ id, sealed }) => {
      const name = displayNameOf(this.deps.vault.decrypt<{ name?: unknown }>(sealed));
      return name ? [[id, name] as const] : [];
    });
    return { ...Object.fromEntries(memberNames), ...(await staffNamesOf(this.deps, ids.staff ?? [])) };
  }

  /**
   * A group's roster as read (attendance sheet, group session) with `names`: its members' names the caller
   * may see, opened and audited only once the roster itself was allowed and loaded.
   */
  async onRoster<T extends { members: readonly { memberId: string }[] }>(
    request: Request,
    roster: T,
  ): Promise<T & { names: Record<string, string> }> {
    return { ...roster, names: await this.of(request, { members: roster.members.map((member) => member.memberId) }) };
  }

  /** The signed-in person's own name, if the directory knows them. */
  async staffName(staffId: string): Promise<string | undefined> {
    const names = await staffNamesOf(this.deps, [staffId]);
    return Object.hasOwn(names, staffId) ? names[staffId] : undefined;
  }
}
