// The view's controls (period, platforms, time zone, rate denominator, user) and their
// place in the page's address, so that a view can be bookmarked, shared and reloaded.

import { platformName } from './format.js';

/** The period presets, in days. */
export const PRESETS = [7, 30, 90, 365];

/** Days shown when the address names no period. */
export const DEFAULT_DAYS = 30;

const RATE_BY = ['reach', 'impressions', 'followers'];

const COMMON_ZONES = [
  'UTC',
  'America/Los_Angeles',
  'America/Denver',
  'America/Chicago',
  'America/New_York',
  'America/Sao_Paulo',
  'Europe/London',
  'Europe/Paris',
  'Europe/Berlin',
  'Europe/Helsinki',
  'Africa/Lagos',
  'Africa/Johannesburg',
  'Asia/Dubai',
  'Asia/Kolkata',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Pacific/Auckland',
];

/** The browser's own IANA time zone, or UTC when it does not say. */
export function browserZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** The view that the page's address describes; absent values are `null`. */
export function viewFromLocation(location) {
  const query = new URLSearchParams(location.search);
  const platforms = query
    .getAll('platform')
    .flatMap((value) => value.split(','))
    .map((value) => value.trim().toLowerCase())
    .filter(Boolean);
  const pathUser = /^\/users\/(\d+)\/?$/.exec(location.pathname);
  const days = Number.parseInt(query.get('days') ?? '', 10);
  const start = query.get('start');
  const end = query.get('end');
  const custom = Boolean(start && end);
  return {
    user: pathUser ? Number(pathUser[1]) : null,
    preset: custom ? 'custom' : String(PRESETS.includes(days) ? days : DEFAULT_DAYS),
    // A length that is not a preset falls back to the default, so that what is shown is
    // always what the period controls say.
    days: custom ? null : (PRESETS.includes(days) ? days : DEFAULT_DAYS),
    start: custom ? start : null,
    end: custom ? end : null,
    platforms: [...new Set(platforms)],
    tz: query.get('tz'),
    rateBy: RATE_BY.includes(query.get('rate_by')) ? query.get('rate_by') : null,
  };
}

/** The query string of a view, for both the page's address and the API: `?days=30&tz=UTC`. */
export function queryOf(view, { forApi = false } = {}) {
  const query = new URLSearchParams();
  if (view.preset === 'custom') {
    query.set('start', view.start);
    query.set('end', view.end);
  } else {
    query.set('days', String(view.days));
  }
  if (view.platforms.length > 0) {
    query.set('platform', view.platforms.join(','));
  }
  if (view.tz) {
    query.set('tz', view.tz);
  }
  if (view.rateBy) {
    query.set('rate_by', view.rateBy);
  }
  if (forApi) {
    query.set('granularity', granularityFor(daysOf(view)));
  }
  return `?${query}`;
}

/** The page path of a view: `/users/{id}` when it names a user, else `/`. */
export function pathOf(view) {
  return view.user ? `/users/${view.user}` : '/';
}

function daysOf(view) {
  if (view.preset !== 'custom') {
    return view.days;
  }
  const span = Date.parse(view.end) - Date.parse(view.start);
  return Number.isFinite(span) ? span / 86_400_000 + 1 : DEFAULT_DAYS;
}

/** Days for short periods, weeks up to a year, months beyond, so series stay readable. */
function granularityFor(days) {
  if (days <= 92) {
    return 'day';
  }
  return days <= 366 ? 'week' : 'month';
}

/** The controls form, bound to a view; `onChange(view)` runs after each valid change. */
export class Controls {
  constructor(form, onChange) {
    this.form = form;
    this.onChange = onChange;
    this.view = null;
    this.allPlatforms = [];
    this.elements = {
      start: form.querySelector('#start-input'),
      end: form.querySelector('#end-input'),
      rangeError: form.querySelector('#range-error'),
      platformList: form.querySelector('#platform-list'),
      platformError: form.querySelector('#platform-error'),
      tz: form.querySelector('#tz-select'),
      rate: form.querySelector('#rate-select'),
      userField: form.querySelector('#user-field'),
      user: form.querySelector('#user-input'),
    };
    form.addEventListener('change', (event) => this.changed(event));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.applyRange();
    });
  }

  /** Shows `view` in the controls, with these platforms to pick from. */
  show(view, platforms, { userEditable }) {
    this.view = { ...view };
    this.allPlatforms = platforms;
    for (const radio of this.form.querySelectorAll('input[name="preset"]')) {
      radio.checked = radio.value === view.preset;
    }
    this.elements.start.value = view.start ?? '';
    this.elements.end.value = view.end ?? '';
    this.showRangeInputs();
    this.showPlatforms();
    this.showZones();
    this.elements.rate.value = view.rateBy ?? 'reach';
    this.elements.userField.hidden = !userEditable;
    this.elements.user.value = view.user ?? '';
    this.form.hidden = false;
  }

  showRangeInputs() {
    // The dates take part only in a custom period; otherwise they are switched off.
    const custom = this.view.preset === 'custom';
    for (const control of this.form.querySelectorAll('.range input, .range button')) {
      control.disabled = !custom;
    }
    this.elements.start.required = custom;
    this.elements.end.required = custom;
  }

  showPlatforms() {
    const list = this.elements.platformList;
    list.replaceChildren();
    const chosen = this.view.platforms;
    for (const platform of this.allPlatforms) {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.name = 'platform';
      box.value = platform;
      box.checked = chosen.length === 0 || chosen.includes(platform);
      label.append(box, ` ${platformName(platform)}`);
      list.append(label);
    }
    if (this.allPlatforms.length === 0) {
      const none = document.createElement('p');
      none.textContent = 'No connected accounts yet.';
      list.append(none);
    }
  }

  showZones() {
    const select = this.elements.tz;
    const zones = [...COMMON_ZONES];
    for (const extra of [browserZone(), this.view.tz]) {
      if (extra && !zones.includes(extra)) {
        zones.push(extra);
      }
    }
    select.replaceChildren();
    for (const zone of zones) {
      const option = document.createElement('option');
      option.value = zone;
      option.textContent = zone === browserZone() ? `${zone} (this device)` : zone;
      select.append(option);
    }
    select.value = this.view.tz ?? 'UTC';
  }

  changed(event) {
    const target = event.target;
    const view = { ...this.view };
    if (target.name === 'preset') {
      view.preset = target.value;
      if (target.value === 'custom') {
        this.view = view;
        this.showRangeInputs();
        this.prefillRange();
        this.elements.start.focus();
        return;
      }
      view.days = Number(target.value);
      view.start = null;
      view.end = null;
    } else if (target.name === 'start' || target.name === 'end') {
      // Dates apply with the button (or Enter), so that typing a date loads nothing half-done.
      return;
    } else if (target.name === 'platform') {
      const checked = [...this.form.querySelectorAll('input[name="platform"]:checked')]
        .map((box) => box.value);
      this.elements.platformError.hidden = checked.length > 0;
      if (checked.length === 0) {
        this.elements.platformError.textContent = 'Pick at least one platform.';
        return;
      }
      view.platforms = checked.length === this.allPlatforms.length ? [] : checked;
    } else if (target.name === 'tz') {
      view.tz = target.value;
    } else if (target.name === 'rate_by') {
      view.rateBy = target.value;
    } else if (target.name === 'user') {
      const user = Number(target.value);
      if (!Number.isInteger(user) || user < 1) {
        return;
      }
      view.user = user;
    } else {
      return;
    }
    this.view = view;
    this.onChange(view);
  }

  prefillRange() {
    if (this.elements.start.value && this.elements.end.value) {
      return;
    }
    const end = new Date();
    const start = new Date(end.getTime() - (DEFAULT_DAYS - 1) * 86_400_000);
    this.elements.end.value = end.toISOString().slice(0, 10);
    this.elements.start.value = start.toISOString().slice(0, 10);
  }

  applyRange() {
    if (this.view.preset !== 'custom') {
      return;
    }
    const start = this.elements.start.value;
    const end = this.elements.end.value;
    const error = this.elements.rangeError;
    if (!start || !end || start > end) {
      error.textContent = 'Give a start date on or before the end date.';
      error.hidden = false;
      this.elements.start.setAttribute('aria-invalid', 'true');
      return;
    }
    error.hidden = true;
    this.elements.start.removeAttribute('aria-invalid');
    this.view = { ...this.view, preset: 'custom', days: null, start, end };
    this.onChange(this.view);
  }
}
