import { DropTimelineCareTeam1796428800001 } from './1796428800001-drop-timeline-care-team';
import { CreateTimelineTables1764400000000 } from './1764400000000-create-timeline-tables';
import { CreateTimelineMemberSharing1764700000000 } from './1764700000000-create-timeline-member-sharing';

export { CreateTimelineMemberSharing1764700000000, CreateTimelineTables1764400000000 };
export const timelineMigrations = [
  CreateTimelineTables1764400000000,
  CreateTimelineMemberSharing1764700000000,
  DropTimelineCareTeam1796428800001,
];
export * from './timeline.projection';
export * from './timeline.rebuild';
export * from './timeline.queries';
