// The care console's entry point (an ES module; the page loads only this). A new screen is one module
// exporting a Screen and one entry in SCREENS (plus its nav link and section in page.ts).
import { attendanceScreen, startAttendance } from './attendance.js';
import { inboxScreen } from './alerts.js';
import { cohortScreen, startCohort } from './cohort.js';
import { groupSessionScreen, startGroupSession } from './group-session.js';
import { startDevSignIn } from './dev-sign-in.js';
import { homeScreen } from './home.js';
import { memberScreen, startMember } from './member.js';
import { registerScreens, route, startShell } from './shell.js';
import { startSignIn } from './sign-in.js';
import { startTimeline } from './timeline.js';

/** Tried in order; the last, the home, also answers any route the others do not take. */
// The group session (`…/sessions/<id>/group`) before the attendance sheet, whose route it extends.
const SCREENS = [groupSessionScreen, attendanceScreen, memberScreen, inboxScreen, cohortScreen, homeScreen];

registerScreens(SCREENS);
startDevSignIn();
startTimeline();
startAttendance();
startGroupSession();
startCohort();
startMember();
startShell();
route();
startSignIn();
