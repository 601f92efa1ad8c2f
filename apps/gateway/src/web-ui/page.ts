import { TIMELINE_KINDS } from '@carecircle/gateway/domain';

const kindFilters = TIMELINE_KINDS.map(
  (kind) => `<li><input type="checkbox" id="kind-${kind}" name="types" value="${kind}" checked><label for="kind-${kind}">${kind}</label></li>`,
).join('\n          ');

/** The web UI shell: server-rendered, no build step; `/ui/timeline-ui.js` does sign-in, loading and the live stream. */
export const WEB_UI_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>CareCircle: care timeline</title>
  <link rel="stylesheet" href="/ui/timeline-ui.css">
</head>
<body>
  <a class="skip" href="#main">Skip to the timeline</a>
  <header>
    <h1>CareCircle</h1>
    <p>Care coordination for psychosocial support groups: facilitators, psychiatrists, CBT therapists and palliative-care teams kept in sync.</p>
  </header>
  <main id="main">
    <section aria-labelledby="signin-heading" id="signin">
      <h2 id="signin-heading">Sign in</h2>
      <form id="signin-form">
        <label for="demo-user">Demo user (development sign-in)</label>
        <select id="demo-user" name="username" required></select>
        <button type="submit">Sign in</button>
      </form>
      <p id="who" role="status" aria-live="polite">Not signed in.</p>
    </section>
    <section aria-labelledby="member-heading" id="member">
      <h2 id="member-heading">Member timeline</h2>
      <form id="member-form">
        <label for="member-id">Member id (pseudonymous)</label>
        <input id="member-id" name="member" required pattern="mbr_[A-Za-z0-9_-]{6,64}" value="mbr_synthetic_0001" autocomplete="off">
        <button type="submit">Show timeline</button>
      </form>
      <fieldset id="filters">
        <legend>Entry types</legend>
        <ul class="filters">
          ${kindFilters}
        </ul>
      </fieldset>
      <p id="status" role="status" aria-live="polite"></p>
      <ol id="timeline" aria-label="Timeline entries, oldest first"></ol>
    </section>
  </main>
  <footer>
    <ul class="links">
      <li><a href="/health">Health</a></li>
      <li><a href="/api/docs">API documentation</a></li>
    </ul>
  </footer>
  <script src="/ui/timeline-ui.js" defer></script>
</body>
</html>
`;

export const WEB_UI_CSS = `
:root { color-scheme: light; font-family: system-ui, sans-serif; color: #1a1a1a; background: #ffffff; }
body { margin: 0 auto; max-width: 60rem; padding: 1rem; line-height: 1.5; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: #ffffff; padding: .5rem; }
a { color: #0b3a75; }
button, select, input { font: inherit; padding: .3rem .6rem; }
button { background: #0b3a75; color: #ffffff; border: 2px solid #0b3a75; border-radius: 4px; cursor: pointer; }
:focus-visible { outline: 3px solid #b35900; outline-offset: 2px; }
fieldset { border: 1px solid #6b6b6b; margin: 1rem 0; }
.filters, .links { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: 0; margin: 0; }
#timeline { list-style: none; padding: 0; }
.entry { border-left: 6px solid #6b6b6b; background: #f4f4f4; margin: .5rem 0; padding: .5rem .75rem; }
.entry h3 { font-size: 1rem; margin: 0; }
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
`;
