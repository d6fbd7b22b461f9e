// The dashboard in headless Chromium: it draws every part, its controls change what is
// shown and live in the address, it fits a phone and a wide screen, it can be used with the
// keyboard, and it exports CSV. Any console error, page error or failed request fails.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';

import { BASE_URL, CHART_TYPES, TOKEN, launch, screenshotPath, watch } from './support.mjs';

assert.ok(TOKEN, 'TALLY_TOKEN holds a token for user 1 (tests/browser/run makes one)');

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** A fresh page at `width` with the page watched, signed in through the address. */
async function openDashboard(t, { width = 1440, query = '', allowed } = {}) {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    acceptDownloads: true,
  });
  t.after(() => context.close());
  const page = await context.newPage();
  const watcher = watch(page, (url, status) => allowed?.(url, status) ?? false);
  await page.goto(`${BASE_URL}/${query}#token=${encodeURIComponent(TOKEN)}`);
  await ready(page);
  return { page, watcher };
}

/** Waits until the page shows a complete view. */
async function ready(page) {
  await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
}

/** Changes a control and waits for the view it asks for. */
async function change(page, action) {
  await page.evaluate(() => {
    document.body.dataset.state = 'changing';
  });
  await action();
  await ready(page);
}

/** The texts of the summary cards' values, by label. */
function summaryValues(page) {
  return page.$$eval('#summary .card', (cards) =>
    Object.fromEntries(cards.map((card) => [
      card.querySelector('.card-label').textContent,
      card.querySelector('.card-value').textContent,
    ])));
}

/** How many drawn marks (shapes) each chart's inline SVG holds. */
function chartMarks(page) {
  return page.$$eval('figure.chart', (figures) =>
    Object.fromEntries(figures.map((figure) => {
      const svg = figure.querySelector('.chart-image svg');
      const marks = svg
        ? svg.querySelectorAll('path, rect, circle, ellipse, line, polyline, polygon').length
        : 0;
      return [figure.dataset.chart, marks];
    })));
}

function chartText(page, type) {
  return page.$eval(`#chart-${type} .chart-image`, (image) => image.textContent);
}

function labelCount(page, type) {
  return page.$eval(`#chart-${type}`, (figure) => Number(figure.dataset.labels));
}

test('the dashboard draws the summary, every chart, the top posts and the advice', async (t) => {
  const { page, watcher } = await openDashboard(t);

  assert.equal(new URL(page.url()).hash, '', 'the token left the address bar');
  const stored = await page.evaluate(() => sessionStorage.getItem('tally.token'));
  assert.equal(stored, TOKEN, 'the token is kept for the session');
  console.log('ok - the token moved from the address to the session');

  const values = await summaryValues(page);
  assert.equal(Object.keys(values).length, 8, JSON.stringify(values));
  assert.match(values.Posts, /^\d/, 'posts are counted');
  assert.match(values['Engagement rate'], /^\d+(\.\d)?%$/, values['Engagement rate']);
  assert.match(values.Engagement, /^\d+(\.\d)?[KM]?$/, values.Engagement);
  const changes = await page.$$eval('#summary .card-change .visually-hidden', (spans) =>
    spans.map((span) => span.textContent));
  assert.ok(changes.some((words) => /^(Up|Down) /.test(words)), changes.join(' | '));
  console.log(`ok - summary cards: ${JSON.stringify(values)}`);

  const marks = await chartMarks(page);
  assert.deepEqual(Object.keys(marks), CHART_TYPES);
  for (const [type, count] of Object.entries(marks)) {
    assert.ok(count >= 3, `${type} has drawn marks in its SVG (found ${count})`);
  }
  console.log(`ok - every chart drew an SVG with marks: ${JSON.stringify(marks)}`);

  const rows = await page.$$eval('#top-posts tbody tr', (found) => found.length);
  assert.ok(rows >= 1, 'top posts are listed');
  const advice = await page.$$eval('.advice-item', (items) => items.map((item) => ({
    summary: item.querySelector('.advice-summary').textContent,
    evidence: item.querySelectorAll('.evidence tbody tr').length,
  })));
  assert.ok(advice.length >= 1, 'the sample data plants something to recommend');
  assert.ok(advice.every((item) => item.summary && item.evidence >= 1), JSON.stringify(advice));
  console.log(`ok - ${rows} top posts and ${advice.length} recommendations with evidence`);

  await page.screenshot({ path: screenshotPath('dashboard-1440'), fullPage: true });
  watcher.assertClean('first view');
});

test('changing the period changes the figures and the series, and lives in the address', async (t) => {
  const { page, watcher } = await openDashboard(t);
  const before30 = await summaryValues(page);
  const labels30 = await labelCount(page, 'time_series');
  assert.equal(labels30, 30);

  await change(page, () => page.getByLabel('7 days', { exact: true }).check());
  const after7 = await summaryValues(page);
  assert.equal(await labelCount(page, 'time_series'), 7);
  assert.notDeepEqual(after7, before30, 'the summary figures changed');
  assert.equal(new URL(page.url()).searchParams.get('days'), '7');
  console.log(`ok - 30 -> 7 days: series labels ${labels30} -> 7, posts ${before30.Posts} -> ${after7.Posts}`);

  const day = (daysAgo) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
  const [start, end] = [day(20), day(7)];
  await page.getByLabel('Custom', { exact: true }).check();
  await page.getByLabel('From', { exact: true }).fill(start);
  await page.getByLabel('To', { exact: true }).fill(end);
  await change(page, () => page.getByRole('button', { name: 'Apply dates' }).click());
  const query = new URL(page.url()).searchParams;
  assert.equal(query.get('start'), start);
  assert.equal(query.get('end'), end);
  assert.equal(await labelCount(page, 'time_series'), 14);
  assert.match(await page.textContent('#period-text'), /14 days/);
  console.log('ok - a custom range goes to the address and to the series');

  await page.goBack();
  await ready(page);
  assert.equal(new URL(page.url()).searchParams.get('days'), '7');
  assert.equal(await labelCount(page, 'time_series'), 7);
  assert.ok(await page.getByLabel('7 days', { exact: true }).isChecked());
  console.log('ok - the back button restores the previous view');
  watcher.assertClean('period');
});

test('a period the server refuses hides the figures of the view before', async (t) => {
  const { page, watcher } = await openDashboard(t, {
    allowed: (url, status) => status === 400 && url.includes('start=1800-01-01'),
  });
  await page.getByLabel('Custom', { exact: true }).check();
  await page.getByLabel('From', { exact: true }).fill('1800-01-01');
  await page.getByLabel('To', { exact: true }).fill('1800-01-31');
  await page.getByRole('button', { name: 'Apply dates' }).click();
  await page.waitForSelector('body[data-state="failed"]');
  assert.match(await page.textContent('#problem'), /1900/);
  assert.ok(await page.locator('#main').isHidden(), 'no figures of another period stay on screen');
  assert.ok(await page.locator('#controls').isVisible(), 'the controls stay to pick another');
  console.log('ok - a refused period shows its reason and nothing stale');

  await page.getByLabel('7 days', { exact: true }).check();
  await ready(page);
  assert.ok(await page.locator('#main').isVisible());
  console.log('ok - picking a valid period shows figures again');
  watcher.assertClean('refused period');
});

test('a length that is not a preset shows the default period, as its control says', async (t) => {
  const { page, watcher } = await openDashboard(t, { query: '?days=14' });
  assert.ok(await page.getByLabel('30 days', { exact: true }).isChecked());
  assert.equal(await labelCount(page, 'time_series'), 30);
  console.log('ok - ?days=14 shows 30 days with the 30-day control checked');
  watcher.assertClean('non-preset length');
});

test('unchecking a platform removes it, and reloading restores every control', async (t) => {
  const { page, watcher } = await openDashboard(t);
  const boxes = page.locator('#platform-list input[type="checkbox"]');
  assert.ok(await boxes.count() >= 2, 'the seeded user has several platforms');
  const first = boxes.first();
  const platform = await first.inputValue();
  const name = (await page.locator('#platform-list label').first().textContent()).trim();
  assert.ok((await chartText(page, 'platform_comparison')).includes(name),
    `${name} is in the comparison before`);

  await change(page, () => first.uncheck());
  assert.ok(!(await chartText(page, 'platform_comparison')).includes(name),
    `${name} left the comparison`);
  const shown = new URL(page.url()).searchParams.get('platform').split(',');
  assert.ok(!shown.includes(platform) && shown.length >= 1, shown.join(','));
  console.log(`ok - unchecking ${name} removed it from the comparison chart`);

  await change(page, () => page.getByLabel('Time zone').selectOption('Asia/Tokyo'));
  await change(page, () => page.getByLabel('Engagement rate per').selectOption('followers'));
  await change(page, () => page.getByLabel('90 days', { exact: true }).check());
  const address = new URL(page.url());
  assert.equal(address.searchParams.get('tz'), 'Asia/Tokyo');
  assert.equal(address.searchParams.get('rate_by'), 'followers');
  assert.equal(address.searchParams.get('days'), '90');
  assert.match(await page.textContent('#period-text'), /Asia\/Tokyo/);
  const before = { values: await summaryValues(page), labels: await labelCount(page, 'time_series') };

  await page.reload();
  await ready(page);
  assert.equal(await first.isChecked(), false, `${name} stays unchecked`);
  assert.equal(await page.getByLabel('Time zone').inputValue(), 'Asia/Tokyo');
  assert.equal(await page.getByLabel('Engagement rate per').inputValue(), 'followers');
  assert.ok(await page.getByLabel('90 days', { exact: true }).isChecked());
  assert.deepEqual(await summaryValues(page), before.values);
  assert.equal(await labelCount(page, 'time_series'), before.labels);
  console.log('ok - platform, time zone, rate and period survive a reload');

  const shared = `${BASE_URL}${address.pathname}${address.search}`;
  const context = await browser.newContext();
  t.after(() => context.close());
  const other = await context.newPage();
  const otherWatcher = watch(other);
  await other.goto(`${shared}#token=${encodeURIComponent(TOKEN)}`);
  await ready(other);
  assert.deepEqual(await summaryValues(other), before.values);
  console.log('ok - the shared address shows the same view in a new session');
  otherWatcher.assertClean('shared view');
  watcher.assertClean('platforms');
});

test('one column at phone width, several on a wide screen', async (t) => {
  const { page, watcher } = await openDashboard(t, { width: 375 });
  const overflow = await page.evaluate(() =>
    document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no sideways scrolling at 375 px (overflow ${overflow} px)`);
  const lefts = await page.$$eval('figure.chart', (figures) =>
    figures.map((figure) => Math.round(figure.getBoundingClientRect().left)));
  assert.equal(new Set(lefts).size, 1, `charts stack in one column: ${lefts}`);
  await page.screenshot({ path: screenshotPath('dashboard-375'), fullPage: true });
  console.log('ok - one column and no sideways scrolling at 375 px');

  await page.setViewportSize({ width: 1440, height: 900 });
  const wide = await page.$$eval('figure.chart', (figures) =>
    figures.map((figure) => Math.round(figure.getBoundingClientRect().left)));
  assert.ok(new Set(wide).size >= 2, `charts sit side by side at 1440 px: ${wide}`);
  console.log(`ok - ${new Set(wide).size} columns of charts at 1440 px`);
  watcher.assertClean('layout');
});

test('the keyboard reaches every control, with a visible focus', async (t) => {
  const { page, watcher } = await openDashboard(t);
  const reached = new Set();
  let outlines = 0;
  for (let step = 0; step < 60; step += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const element = document.activeElement;
      const style = getComputedStyle(element);
      return {
        key: element.id || element.name || element.textContent.trim().slice(0, 20),
        outlined: style.outlineStyle !== 'none' && style.outlineWidth !== '0px',
      };
    });
    reached.add(focused.key);
    outlines += focused.outlined ? 1 : 0;
  }
  for (const control of ['preset', 'platform', 'tz-select', 'rate-select']) {
    assert.ok(reached.has(control), `Tab reaches ${control}: ${[...reached].join(', ')}`);
  }
  assert.ok([...reached].some((key) => key.startsWith('Download CSV')), 'Tab reaches a download');
  assert.ok(outlines >= 10, `focused controls show an outline (${outlines} of 60)`);

  await page.focus('input[name="preset"][value="30"]');
  await change(page, () => page.keyboard.press('ArrowUp'));
  assert.equal(new URL(page.url()).searchParams.get('days'), '7');
  console.log('ok - Tab reaches the controls, focus is outlined, arrow keys pick a period');
  watcher.assertClean('keyboard');
});

test('each chart and the whole view download as CSV', async (t) => {
  const { page, watcher } = await openDashboard(t, { query: '?days=7' });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('#chart-time_series').getByRole('button', { name: /Download CSV/ }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^tally-time_series-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d\.csv$/);
  const text = (await readFile(await download.path(), 'utf8')).replace(/^\ufeff/, '');
  const lines = text.trimEnd().split('\r\n');
  assert.equal(lines.length, 8, `a header and 7 days:\n${text}`);
  assert.match(lines[0], /All platforms/);
  assert.match(lines[1], /^\d{4}-\d\d-\d\d,/);
  console.log(`ok - ${download.suggestedFilename()}: ${lines.length} lines`);

  const [all] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download all charts (CSV)' }).click(),
  ]);
  const allText = await readFile(await all.path(), 'utf8');
  assert.match(allText, /^\ufeff?chart,series,label,value\r\n/);
  for (const type of CHART_TYPES) {
    assert.ok(allText.includes(`\r\n${type},`), `${type} is in the whole view's CSV`);
  }
  console.log(`ok - ${all.suggestedFilename()} holds every chart`);
  watcher.assertClean('downloads');
});

test('without a token the page asks for one, and a wrong one is refused in words', async (t) => {
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  const watcher = watch(page, (url, status) =>
    status === 401 && url === `${BASE_URL}/api/v1/me`);
  await page.goto(`${BASE_URL}/users/1`);
  await page.waitForSelector('body[data-state="signed-out"]');
  const input = page.getByLabel('Access token');
  assert.ok(await input.isVisible());
  assert.equal(await page.evaluate(() => document.activeElement.id), 'token-input');
  console.log('ok - no token: the sign-in form has the focus');

  await input.fill('not-a-real-token');
  await page.getByRole('button', { name: 'Show the dashboard' }).click();
  await page.waitForSelector('#sign-in-error:not([hidden])');
  assert.match(await page.textContent('#sign-in-error'), /not accepted/);
  console.log('ok - a wrong token is refused with a message');
  await input.fill(TOKEN);
  await page.getByRole('button', { name: 'Show the dashboard' }).click();
  await ready(page);
  assert.equal(new URL(page.url()).pathname, '/users/1');
  await page.screenshot({ path: screenshotPath('dashboard-signed-in') });
  console.log('ok - the right token shows the dashboard');
  watcher.assertClean('sign-in');
});
