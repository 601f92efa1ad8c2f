import { TIMELINE_KINDS, type TimelineKind } from '@carecircle/gateway/domain';

/** Each kind of timeline entry as people call it (the filters' labels, and each entry's badge). */
const KIND_LABELS: Readonly<Record<TimelineKind, string>> = {
  referral: 'Referral',
  screening: 'Screening',
  consent: 'Consent',
  enrolment: 'Enrolment',
  waitlist: 'Waitlist',
  session: 'Group sessions',
  attendance: 'Attendance',
  dose: 'Dose',
  contact: 'Other appointments',
  treatment: 'Medication and treatment',
  alert: 'Alerts',
  score: 'Scores',
  'care-team': 'Care team',
};

const kindFilters = TIMELINE_KINDS.map(
  (kind) =>
    `<li><input type="checkbox" id="kind-${kind}" name="types" value="${kind}" checked><label for="kind-${kind}">${KIND_LABELS[kind]}</label></li>`,
).join('\n          ');

/**
 * The care console's page, server-rendered: one `section.view` per screen, chosen by the URL's `#/…` route.
 * `consoleScript` (`/ui/console/<version>/main.js`, the ES modules in ./console) draws the screens: the homes, sessions, alerts, the
 * member's outcome charts and timeline, the cohort report, and the sign-in (development issuer, an OpenID
 * Connect provider or an EHR with authorization code + PKCE, SMART App Launch).
 */
export const webUiPage = (consoleScript: string) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="icon" href="data:,"><!-- no icon: spares each page load a 404 for /favicon.ico -->
  <title>CareCircle: care console</title>
  <link rel="stylesheet" href="/ui/timeline-ui.css">
</head>
<body>
  <a class="skip" href="#main">Skip to content</a>
  <header>
    <h1>CareCircle</h1>
    <p>Care coordination for psychosocial support groups: facilitators, psychiatrists, CBT therapists and palliative-care teams kept in sync.</p>
    <p id="who" role="status" aria-live="polite">Not signed in.</p>
    <nav id="nav" aria-label="Care console" hidden>
      <ul class="links">
        <li><a href="#/home">Home</a></li>
        <li data-roles="facilitator clinician"><a href="#/alerts">Alerts inbox</a></li>
        <li data-roles="programme-lead"><a href="#/cohort">Cohort report</a></li>
        <li><button type="button" id="sign-out" class="link">Sign out</button></li>
      </ul>
    </nav>
  </header>
  <main id="main">
    <section aria-labelledby="signin-heading" id="signin">
      <h2 id="signin-heading">Sign in</h2>
      <form id="signin-form">
        <label for="demo-user">Demo user (development sign-in)</label>
        <select id="demo-user" name="username" required></select>
        <button type="submit">Sign in</button>
      </form>
      <p id="provider-signin" hidden><button type="button" id="provider-signin-button">Sign in with your organisation</button></p>
      <ul id="ehr-signin" class="links" aria-label="Sign in through an EHR" hidden></ul>
    </section>
    <p id="console-status" role="status" aria-live="polite"></p>
    <section aria-labelledby="home-heading" id="home" class="view" hidden>
      <h2 id="home-heading" tabindex="-1">Home</h2>
      <div id="home-body"></div>
    </section>
    <section aria-labelledby="session-heading" id="session" class="view" hidden>
      <h2 id="session-heading" tabindex="-1">Session</h2>
      <p id="session-meta" class="meta"></p>
      <form id="attendance-form" novalidate>
        <div id="attendance-members"></div>
        <button type="submit" id="save-attendance">Save attendance</button>
      </form>
    </section>
    <section aria-labelledby="group-session-heading" id="group-session" class="view" hidden>
      <h2 id="group-session-heading" tabindex="-1">Group session</h2>
      <p id="group-session-meta" class="meta"></p>
      <form id="group-session-form" novalidate>
        <button type="button" id="mark-all-present" class="secondary">Mark all present</button>
        <div id="group-session-members"></div>
        <button type="submit" id="save-group-session">Save group session</button>
      </form>
    </section>
    <section aria-labelledby="alerts-heading" id="alerts" class="view" hidden>
      <h2 id="alerts-heading" tabindex="-1">Alerts inbox</h2>
      <p class="meta">Your alerts, most severe first. Acknowledging stops an alert’s escalation; an override needs a reason.</p>
      <div id="inbox"></div>
    </section>
    <section aria-labelledby="cohort-heading" id="cohort" class="view" hidden>
      <h2 id="cohort-heading" tabindex="-1">Cohort report</h2>
      <form id="cohort-form" class="inline">
        <label for="cohort-instrument">Instrument</label>
        <select id="cohort-instrument" name="instrument">
          <option value="phq-9">PHQ-9 (depression)</option>
          <option value="gad-7">GAD-7 (anxiety)</option>
        </select>
        <label for="cohort-group-type">Group type</label>
        <select id="cohort-group-type" name="groupType">
          <option value="">All group types</option>
          <option value="disease-specific">Disease-specific</option>
          <option value="stage-specific">Stage-specific</option>
          <option value="general-emotional-support">General emotional support</option>
        </select>
        <button type="submit">Show report</button>
        <button type="button" id="cohort-csv">Download CSV</button>
      </form>
      <div id="cohort-body"></div>
    </section>
    <section aria-labelledby="member-heading" id="member" class="view" hidden>
      <h2 id="member-heading" tabindex="-1">Member</h2>
      <p id="member-flag" class="flag" role="status" hidden></p>
      <section aria-labelledby="member-alerts-heading">
        <h3 id="member-alerts-heading">Alerts</h3>
        <ul id="member-alerts" class="alerts" aria-label="This member’s alerts, newest first"></ul>
      </section>
      <section aria-labelledby="outcomes-heading">
        <h3 id="outcomes-heading">Outcomes over time</h3>
        <div id="outcomes" class="charts"></div>
      </section>
      <section aria-labelledby="timeline-heading">
        <h3 id="timeline-heading">Care timeline</h3>
        <form id="member-form" class="inline">
          <label for="member-id">Member id (pseudonymous)</label>
          <input id="member-id" name="member" required pattern="mbr_[A-Za-z0-9_-]{6,64}" value="mbr_synthetic_0001" autocomplete="off">
          <button type="submit">Show timeline</button>
        </form>
        <fieldset id="filters">
          <legend>Show these kinds of entry</legend>
          <ul class="filters">
            ${kindFilters}
          </ul>
        </fieldset>
        <p id="status" role="status" aria-live="polite"></p>
        <ol id="timeline" aria-label="Timeline entries, newest first"></ol>
      </section>
    </section>
  </main>
  <footer>
    <ul class="links">
      <li><a href="/health">Health</a></li>
      <li><a href="/api/docs">API documentation</a></li>
    </ul>
  </footer>
  <script type="module" src="${consoleScript}"></script>
</body>
</html>
`;

export const WEB_UI_CSS = `
:root { color-scheme: light; font-family: system-ui, sans-serif; color: #1a1a1a; background: #ffffff; }
body { margin: 0 auto; max-width: 60rem; padding: 1rem; line-height: 1.5; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: #ffffff; padding: .5rem; }
a { color: #0b3a75; }
button, select, input { font: inherit; padding: .3rem .6rem; max-width: 100%; box-sizing: border-box; }
button { background: #0b3a75; color: #ffffff; border: 2px solid #0b3a75; border-radius: 4px; cursor: pointer; }
:focus-visible { outline: 3px solid #b35900; outline-offset: 2px; }
fieldset { border: 1px solid #6b6b6b; margin: 1rem 0; }
.filters, .links { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: 0; margin: 0; }
#timeline { list-style: none; padding: 0; }
.entry { border-left: 6px solid #6b6b6b; background: #f4f4f4; margin: .5rem 0; padding: .5rem .75rem; }
.entry h4 { font-size: 1rem; margin: 0; }
.meta { color: #3d3d3d; font-size: .9rem; }
.sev-info { border-color: #0b3a75; background: #e6f0ff; }
.sev-warning { border-color: #8a5a00; background: #fff4d6; }
.sev-critical { border-color: #a30000; background: #fde8e8; }
.badge { display: inline-block; font-size: .8rem; font-weight: 600; padding: 0 .4rem; border-radius: 3px; margin-right: .4rem; background: #1a1a1a; color: #ffffff; }
.sev-info .badge.sev { background: #0b3a75; }
.sev-warning .badge.sev { background: #6b4500; }
.sev-critical .badge.sev { background: #a30000; }
.lifecycle { margin: .25rem 0 0; font-size: .9rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0 1rem; margin: .25rem 0; font-size: .9rem; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
[role="alert"] { color: #a30000; font-weight: 600; }
[hidden] { display: none !important; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
button.link { background: none; color: #0b3a75; border: none; padding: 0; text-decoration: underline; }
button.secondary { background: #ffffff; color: #0b3a75; }
form.inline { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; margin: .5rem 0; }
header nav { margin: .5rem 0; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { text-align: left; padding: .25rem .75rem .25rem 0; border-bottom: 1px solid #c4c4c4; }
caption { text-align: left; font-weight: 600; }
.group { border: 1px solid #6b6b6b; border-radius: 4px; padding: .5rem 1rem; margin: 1rem 0; }
.group h3 { margin: .25rem 0; }
progress { width: 8rem; vertical-align: middle; }
.alerts { list-style: none; padding: 0; }
.alert-card { border-left: 6px solid #6b6b6b; background: #f4f4f4; margin: .5rem 0; padding: .5rem .75rem; }
.alert-card h4 { margin: 0; font-size: 1rem; }
.alert-card.sev-info { border-color: #0b3a75; background: #e6f0ff; }
.alert-card.sev-warning { border-color: #8a5a00; background: #fff4d6; }
.alert-card.sev-critical { border-color: #a30000; background: #fde8e8; }
.alert-card .badge.sev { background: #1a1a1a; }
.alert-card.sev-info .badge.sev { background: #0b3a75; }
.alert-card.sev-warning .badge.sev { background: #6b4500; }
.alert-card.sev-critical .badge.sev { background: #a30000; }
.badge.state { background: #3d3d3d; }
.badge.escalated { background: #6b1a6b; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-end; margin-top: .5rem; }
.actions textarea { font: inherit; min-width: 18rem; }
.attendance-member { border: 1px solid #6b6b6b; margin: .5rem 0; }
.attendance-member label { margin-right: 1rem; }
.group-session-member { border: 1px solid #6b6b6b; margin: .5rem 0; }
.group-session-member .dose { margin: .25rem 0; font-weight: 600; }
.group-session-member .present { display: block; margin: .25rem 0 .5rem; }
.group-session-member textarea { display: block; width: 100%; box-sizing: border-box; font: inherit; }
.distress { margin-top: .5rem; }
.distress-confirm { border: 2px solid #a30000; background: #fde8e8; border-radius: 4px; padding: .5rem .75rem; margin-top: .5rem; }
.distress-confirm textarea { display: block; width: 100%; box-sizing: border-box; font: inherit; }
.distress-title { font-weight: 600; margin: 0 0 .5rem; }
button.danger { background: #a30000; border-color: #a30000; }
/* Phones (390 px): nothing may push the page sideways; wide tables scroll inside their own box. */
main, section, article, figure, fieldset, .group, .alert-card { min-width: 0; max-width: 100%; box-sizing: border-box; }
h1, h2, h3, h4, p, li, legend, caption { overflow-wrap: anywhere; }
/* Cells keep their words whole: a table too wide for the phone scrolls in its .scroll-x box instead. */
td, th { overflow-wrap: break-word; }
.scroll-x { max-width: 100%; overflow-x: auto; }
.attention { border: 2px solid #0b3a75; border-radius: 4px; padding: .25rem .75rem .5rem; margin: .5rem 0 1rem; }
.attention h3, .done h3 { margin: .5rem 0 .25rem; }
.counts { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: 0; margin: 0 0 .5rem; }
.lifecycle { list-style: none; padding: 0; }
@media (max-width: 30rem) {
  body { padding: .5rem; }
  .actions textarea { min-width: 0; width: 100%; box-sizing: border-box; }
  .attendance-member label { margin-right: .5rem; }
  .attendance-member > span { display: inline-block; }
  progress { width: 5rem; }
  form.inline input, form.inline select { max-width: 100%; box-sizing: border-box; }
  .charts figure, #cohort-body figure { margin: 1rem 0; }
}
.charts figure { margin: 1rem 0; }
.charts figcaption { font-weight: 600; }
svg.chart { max-width: 100%; height: auto; background: #ffffff; }
svg.chart text { font: 12px system-ui, sans-serif; fill: #1a1a1a; }
svg.chart .value { font-weight: 600; }
svg.chart .band-minimal { fill: #e3f4e4; }
svg.chart .band-mild { fill: #fbf6d0; }
svg.chart .band-moderate { fill: #fde6c8; }
svg.chart .band-moderately-severe { fill: #f9d4cc; }
svg.chart .band-severe { fill: #f3c1c1; }
svg.chart .axis { stroke: #3d3d3d; stroke-width: 1; }
svg.chart .line { fill: none; stroke: #0b3a75; stroke-width: 2.5; }
svg.chart .point { fill: #0b3a75; stroke: #ffffff; stroke-width: 1.5; }
svg.chart .bar-baseline { fill: #6b6b6b; }
svg.chart .mcid { fill: #0b3a75; fill-opacity: .08; }
svg.chart .mcid-edge { stroke: #0b3a75; stroke-dasharray: 4 3; stroke-width: 1; }
svg.chart .mark-session rect { fill: #1a5e20; }
svg.chart .mark-medication path { fill: #6b1a6b; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: 0; margin: .25rem 0; font-size: .9rem; }
.key { display: inline-block; width: .9rem; height: .9rem; margin-right: .3rem; vertical-align: middle; }
.key-mcid { background: #e7ebf1; border-top: 2px dashed #0b3a75; }
.key-session { background: #1a5e20; width: .25rem; }
.key-medication { background: #6b1a6b; clip-path: polygon(50% 0, 100% 100%, 0 100%); }
.flag { border: 2px solid #a30000; background: #fde8e8; color: #a30000; font-weight: 600; border-radius: 4px; padding: .5rem .75rem; }
.flag::before { content: "⚑ "; }
svg.chart .bar-follow-up { fill: #0b3a75; }
`;
