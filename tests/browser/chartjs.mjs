// Chart.js v4 compatibility: every configuration the visualization endpoint serves, alone
// and inside the dashboard, is drawn with `new Chart(canvas, body)` in headless Chromium.
// Any thrown error, console error or empty canvas fails.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { CHART_TYPES, apiGet, launch, screenshotPath, watch } from './support.mjs';

const CHART_JS = process.env.TALLY_CHARTJS;
assert.ok(CHART_JS, 'TALLY_CHARTJS names chart.js\'s UMD build (run tests/browser/run)');

const BASE = '/api/v1/analytics/visualization/1';

let browser;
let page;
let watcher;

before(async () => {
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 900, height: 700 } });
  watcher = watch(page);
  await page.setContent(`<!doctype html><html><head><meta charset="utf-8"></head>
    <body style="margin:0;background:#fff">
    <div id="box" style="width:800px;height:450px"><canvas id="chart"></canvas></div>
    </body></html>`);
  await page.addScriptTag({ path: CHART_JS });
  const version = await page.evaluate(() => window.Chart?.version);
  assert.match(version ?? '', /^4\./, 'chart.js 4 is loaded');
  console.log(`ok - chart.js ${version} loaded from the temporary install`);
});

after(async () => {
  await browser?.close();
});

/** Fetches a JSON body from the running tally, over loopback. */
async function fetchBody(apiPath) {
  const response = await apiGet(apiPath);
  assert.equal(response.status, 200, `${apiPath}: ${response.status}`);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  return response.json();
}

/**
 * Draws `config` with Chart.js on a fresh canvas and returns how many pixels are not
 * blank, or the error it threw.
 */
async function draw(config) {
  return page.evaluate((body) => {
    const box = document.getElementById('box');
    box.replaceChildren(document.createElement('canvas'));
    const canvas = box.firstChild;
    canvas.id = 'chart';
    body.options = { ...body.options, animation: false };
    try {
      const chart = new window.Chart(canvas, body);
      chart.update('none');
      const context = canvas.getContext('2d');
      const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let index = 3; index < pixels.length; index += 4) {
        painted += pixels[index] > 0 ? 1 : 0;
      }
      const datasets = chart.data.datasets.length;
      return { painted, datasets, width: canvas.width, height: canvas.height };
    } catch (error) {
      return { error: `${error.name}: ${error.message}` };
    }
  }, config);
}

/** Draws a body, saves a screenshot of it, and checks that Chart.js drew something. */
async function drawAndCheck(name, config) {
  // The same chart without data paints its title, legend and axes only.
  const frame = await draw({
    ...config,
    data: {
      ...config.data,
      datasets: config.data.datasets.map((dataset) => ({ ...dataset, data: [] })),
    },
  });
  const result = await draw(config);
  assert.equal(result.error, undefined, `${name}: new Chart threw ${result.error}`);
  assert.ok(result.width > 0 && result.height > 0, `${name}: canvas has a size`);
  assert.ok(result.datasets > 0, `${name}: has datasets`);
  assert.ok(result.painted > 0, `${name}: the canvas is blank`);
  assert.ok(result.painted > (frame.painted ?? 0) + 1000,
    `${name}: the data painted little (${result.painted} pixels, ${frame.painted} without data)`);
  await page.locator('#box').screenshot({ path: screenshotPath(`chartjs-${name}`) });
  watcher.assertClean(name);
  console.log(`ok - ${name}: ${result.painted} pixels painted, ${frame.painted} of them without data`);
}

for (const type of CHART_TYPES) {
  test(`chart.js draws /visualization/1/${type}`, async () => {
    const body = await fetchBody(`${BASE}/${type}?days=90`);
    await drawAndCheck(type, body);
  });
}

test('chart.js draws every chart of the dashboard body', async () => {
  const dashboard = await fetchBody(`${BASE}/dashboard?days=30&granularity=week&rate_by=impressions`);
  assert.deepEqual(Object.keys(dashboard.charts).sort(), [...CHART_TYPES].sort());
  for (const type of CHART_TYPES) {
    await drawAndCheck(`dashboard-${type}`, dashboard.charts[type]);
  }
});

test('chart.js draws the charts of one platform and other metrics', async () => {
  const accounts = await fetchBody('/api/v1/analytics/accounts/1');
  const platform = accounts[0].platform;
  const time = await fetchBody(`${BASE}/time_series?metric=followers&platform=${platform}`);
  await drawAndCheck(`time_series-followers-${platform}`, time);
  const comparison = await fetchBody(`${BASE}/platform_comparison?measure=follower_growth_percent`);
  await drawAndCheck('platform_comparison-growth', comparison);
});
