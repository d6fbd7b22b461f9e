// What both browser suites share: the server under test, headless Chromium, and a watch on
// every page for console errors, page errors, failed requests and requests elsewhere.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const modules = process.env.TALLY_NODE_MODULES;
assert.ok(modules, 'TALLY_NODE_MODULES names the folder holding playwright-core (run tests/browser/run)');
const require = createRequire(path.join(modules, 'noop.js'));
const { chromium } = require('playwright-core');

/** The running tally, such as http://127.0.0.1:40123. */
export const BASE_URL = process.env.TALLY_URL;
assert.ok(BASE_URL, 'TALLY_URL names the running tally (run tests/browser/run)');

/** The token for user 1; empty when the tally under test has no access control. */
export const TOKEN = process.env.TALLY_TOKEN ?? '';

/** Where screenshots go. */
export const SCREENSHOTS = process.env.TALLY_SCREENSHOTS ?? 'target/browser-screenshots';
mkdirSync(SCREENSHOTS, { recursive: true });

/** The chart types of the visualization endpoint, besides `dashboard`. */
export const CHART_TYPES = [
  'time_series',
  'platform_comparison',
  'engagement_breakdown',
  'content_performance',
  'best_times',
  'content_type',
];

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts headless Chromium. */
export function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
}

/** A screenshot file's path. */
export function screenshotPath(name) {
  return path.join(SCREENSHOTS, `${name}.png`);
}

/** GETs `apiPath` from the server with the token, as a test client outside the browser. */
export async function apiGet(apiPath) {
  const headers = { Authorization: `Bearer ${TOKEN}` };
  const response = await fetch(BASE_URL + apiPath, { headers });
  return response;
}

/**
 * Watches a page: every console error, uncaught exception, failed request, answer of 400 or
 * more, and request to another origin is recorded as a problem, unless `allowed(url,
 * status)` says the test provoked it. `assertClean()` fails on any recorded problem.
 */
export function watch(page, allowed = () => false) {
  const problems = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') {
      return;
    }
    const where = message.location()?.url ?? '';
    // Chromium reports each answer of 400 or more as a console error too.
    const failed = /status of (\d{3})/.exec(message.text());
    if (failed && allowed(where, Number(failed[1]))) {
      return;
    }
    problems.push(`console error: ${message.text()} (${where})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${BASE_URL}/`) && !/^(data|blob|about):/.test(url)) {
      problems.push(`request to another origin: ${url}`);
    }
  });
  page.on('requestfailed', (request) => {
    problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`);
  });
  page.on('response', (response) => {
    const status = response.status();
    if (status < 400) {
      return;
    }
    if (allowed(response.url(), status)) {
      return;
    }
    problems.push(`answer ${status}: ${response.url()}`);
  });
  return {
    problems,
    assertClean(context) {
      assert.deepEqual(problems, [], `${context}: the page had problems`);
    },
  };
}
