// The dashboard: signs in with a token, learns whose dashboard to show, reads the view from
// the address, and draws the figures and charts the API answers with.

import { Api, ApiProblem, forgetToken, paths, storeToken, takeToken } from './api.js';
import { Controls, browserZone, pathOf, queryOf, viewFromLocation } from './controls.js';
import { chartRows, csvFileName, csvText, describePeriod } from './format.js';
import {
  CHARTS,
  createChartFigures,
  renderChart,
  renderRecommendations,
  renderSummary,
  renderTopPosts,
} from './render.js';

const page = {
  status: document.getElementById('status'),
  problem: document.getElementById('problem'),
  viewer: document.getElementById('viewer'),
  signOut: document.getElementById('sign-out'),
  signIn: document.getElementById('sign-in'),
  signInForm: document.getElementById('sign-in-form'),
  tokenInput: document.getElementById('token-input'),
  signInError: document.getElementById('sign-in-error'),
  controls: document.getElementById('controls'),
  main: document.getElementById('main'),
  periodText: document.getElementById('period-text'),
  summary: document.getElementById('summary'),
  charts: document.getElementById('charts'),
  topPosts: document.getElementById('top-posts'),
  recommendations: document.getElementById('recommendations'),
  downloadAll: document.getElementById('download-all'),
};

const session = {
  api: null,
  /** Whether the token may show any user (admin), so the user can be picked. */
  anyUser: false,
  /** The time zone shown when the address names none: the user's own. */
  defaultZone: browserZone(),
  /** Counts loads, so that an answer to an older view is dropped. */
  generation: 0,
  /** The last dashboard shown, for the CSV downloads. */
  dashboard: null,
};

const figures = createChartFigures(page.charts, downloadChart);
const controls = new Controls(page.controls, (view) => {
  window.history.pushState(null, '', pathOf(view) + queryOf(view));
  load(view);
});

/** The page's state, for styles and for tests: signed-out, loading, ready or failed. */
function setState(state) {
  document.body.dataset.state = state;
}

function showProblem(message) {
  page.problem.textContent = message;
  page.problem.hidden = !message;
}

function showSignIn(message) {
  setState('signed-out');
  session.api = null;
  page.controls.hidden = true;
  page.main.hidden = true;
  page.signOut.hidden = true;
  page.viewer.textContent = '';
  page.signIn.hidden = false;
  page.signInError.textContent = message ?? '';
  page.signInError.hidden = !message;
  page.tokenInput.setAttribute('aria-invalid', message ? 'true' : 'false');
  page.status.textContent = message ? '' : 'Sign in to see the dashboard.';
  page.tokenInput.focus();
}

/** Starts with a token: asks whose it is, then shows that user's dashboard. */
async function start(token) {
  if (!token) {
    showSignIn(null);
    return;
  }
  session.api = new Api(token);
  page.signIn.hidden = true;
  showProblem('');
  setState('loading');
  page.status.textContent = 'Signing in…';

  let me;
  try {
    me = await session.api.json(paths.me);
  } catch (problem) {
    if (problem instanceof ApiProblem && problem.status === 401) {
      forgetToken();
      showSignIn(problem.explain());
      return;
    }
    fail(problem);
    return;
  }

  session.anyUser = Boolean(me.admin);
  const view = viewFromLocation(window.location);
  if (!session.anyUser) {
    view.user = me.user_id;
  } else {
    view.user ??= 1;
  }
  page.signOut.hidden = false;
  await prepare(view, { replace: true });
}

/** Reads the user and their platforms, shows the controls for `view`, then loads it. */
async function prepare(view, { replace = false } = {}) {
  let user;
  let accounts;
  try {
    [user, accounts] = await Promise.all([
      session.api.json(paths.user(view.user)),
      session.api.json(paths.accounts(view.user)),
    ]);
  } catch (problem) {
    fail(problem);
    return;
  }
  session.defaultZone = user.timezone || browserZone();
  view.tz ??= session.defaultZone;
  const platforms = [...new Set(accounts.map((account) => account.platform))];
  view.platforms = view.platforms.filter((platform) => platforms.includes(platform));
  page.viewer.textContent = `${user.name || `User ${user.id}`}${session.anyUser ? ' (admin)' : ''}`;
  controls.show(view, platforms, { userEditable: session.anyUser });
  if (replace) {
    window.history.replaceState(null, '', pathOf(view) + window.location.search);
  }
  session.user = view.user;
  await load(view);
}

/** Fetches the dashboard and the six chart images of `view`, and shows them. */
async function load(view) {
  if (view.user !== session.user) {
    session.user = view.user;
    await prepare(view);
    return;
  }
  const generation = ++session.generation;
  setState('loading');
  page.main.setAttribute('aria-busy', 'true');
  page.status.textContent = 'Loading the figures…';
  showProblem('');

  const apiQuery = queryOf(view, { forApi: true });
  const dashboardRequest = session.api.json(paths.dashboard(view.user, apiQuery));
  const svgRequests = CHARTS.map((chart) =>
    session.api.text(paths.svg(view.user, chart.type, apiQuery), 'image/svg+xml'));
  const [dashboard, ...svgs] = await Promise.allSettled([dashboardRequest, ...svgRequests]);
  if (generation !== session.generation) {
    return;
  }
  page.main.removeAttribute('aria-busy');
  if (dashboard.status === 'rejected') {
    fail(dashboard.reason);
    return;
  }

  const body = dashboard.value;
  session.dashboard = body;
  page.periodText.textContent = describePeriod(body.period);
  renderSummary(page.summary, body);
  CHARTS.forEach((chart, index) => {
    const svg = svgs[index];
    const failure = svg.status === 'rejected' ? explain(svg.reason) : null;
    renderChart(figures.get(chart.type), body.charts[chart.type], svg.value, failure);
  });
  renderTopPosts(page.topPosts, body.top_posts);
  renderRecommendations(page.recommendations, body.recommendations);
  page.main.hidden = false;
  setState('ready');
  page.status.textContent = `Showing ${describePeriod(body.period)}.`;
}

function explain(problem) {
  return problem instanceof ApiProblem ? problem.explain() : String(problem);
}

function fail(problem) {
  if (problem instanceof ApiProblem && problem.status === 401) {
    forgetToken();
    showSignIn(problem.explain());
    return;
  }
  setState('failed');
  page.main.removeAttribute('aria-busy');
  // What was shown belongs to another view: hide it, and keep it out of the CSV downloads.
  page.main.hidden = true;
  session.dashboard = null;
  page.status.textContent = '';
  showProblem(explain(problem));
}

/** Saves text as a UTF-8 file with this name. */
function download(name, text) {
  const blob = new Blob(['\ufeff', text], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function downloadChart(type) {
  const body = session.dashboard;
  if (!body) {
    return;
  }
  download(csvFileName(type, body.period), csvText(chartRows(body.charts[type])));
}

/** Every chart of the view in one long CSV: chart, series, label, value. */
function downloadAll() {
  const body = session.dashboard;
  if (!body) {
    return;
  }
  const rows = [['chart', 'series', 'label', 'value']];
  for (const chart of CHARTS) {
    const [header, ...data] = chartRows(body.charts[chart.type]);
    const bubble = body.charts[chart.type].type === 'bubble';
    for (const row of data) {
      if (bubble) {
        rows.push([chart.type, row[0], `${row[2]} ${row[1]}`, row[3]]);
        continue;
      }
      header.slice(1).forEach((series, index) => {
        rows.push([chart.type, series, row[0], row[index + 1]]);
      });
    }
  }
  download(csvFileName('dashboard', body.period), csvText(rows));
}

page.downloadAll.addEventListener('click', downloadAll);

page.signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const token = page.tokenInput.value.trim();
  if (!token) {
    showSignIn('Paste a token first.');
    return;
  }
  page.tokenInput.value = '';
  storeToken(token);
  start(token);
});

page.signOut.addEventListener('click', () => {
  forgetToken();
  showSignIn(null);
});

window.addEventListener('popstate', () => {
  if (!session.api) {
    return;
  }
  const view = viewFromLocation(window.location);
  if (!session.anyUser || view.user === null) {
    view.user = session.user;
  }
  view.tz ??= session.defaultZone;
  if (view.user !== session.user) {
    load(view);
    return;
  }
  controls.show(view, controls.allPlatforms, { userEditable: session.anyUser });
  load(view);
});

start(takeToken());
