// Numbers, dates and names as people read them, and CSV built from chart configurations.

const compact = new Intl.NumberFormat(undefined, {
  notation: 'compact',
  maximumFractionDigits: 1,
});
const whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat(undefined, {
  style: 'percent',
  maximumFractionDigits: 1,
});
const signedPercent = new Intl.NumberFormat(undefined, {
  style: 'percent',
  maximumFractionDigits: 1,
  signDisplay: 'exceptZero',
});
const signedCompact = new Intl.NumberFormat(undefined, {
  notation: 'compact',
  maximumFractionDigits: 1,
  signDisplay: 'exceptZero',
});
const signedDecimal = new Intl.NumberFormat(undefined, {
  maximumFractionDigits: 1,
  signDisplay: 'exceptZero',
});

/** What an unknown value shows. */
export const UNKNOWN = '—';

/** Whether `value` is a finite number (the API sends `null` for unknown values). */
export function known(value) {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A count or amount, shortened: 950, 12.3K, 4.5M. */
export function formatCount(value) {
  return known(value) ? compact.format(value) : UNKNOWN;
}

/** A count in full, for tables: 12,345. */
export function formatWhole(value) {
  return known(value) ? whole.format(value) : UNKNOWN;
}

/** A value with at most one decimal: 3.4. */
export function formatDecimal(value) {
  return known(value) ? decimal.format(value) : UNKNOWN;
}

/** A value already in percent (4.5 means 4.5 %): "4.5%". */
export function formatPercent(value) {
  return known(value) ? percent.format(value / 100) : UNKNOWN;
}

/** A relative change in percent, with its sign: "+12.3%". */
export function formatSignedPercent(value) {
  return known(value) ? signedPercent.format(value / 100) : UNKNOWN;
}

/** An absolute change with its sign: "+1.2K". */
export function formatSignedCount(value) {
  return known(value) ? signedCompact.format(value) : UNKNOWN;
}

/** A change of a percentage, in percentage points: "+0.4 pts". */
export function formatSignedPoints(value) {
  return known(value) ? `${signedDecimal.format(value)} pts` : UNKNOWN;
}

/** An ISO date `YYYY-MM-DD` as a short local date: "3 Nov 2026". */
export function formatDate(iso) {
  const [year, month, day] = String(iso).split('-').map(Number);
  if (!year || !month || !day) {
    return String(iso);
  }
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** A wall-clock `YYYY-MM-DDTHH:MM:SS` as a short local date and time. */
export function formatLocalDateTime(text) {
  const [date, time = ''] = String(text).split('T');
  return `${formatDate(date)} ${time.slice(0, 5)}`.trim();
}

/** A period `{start, end, days, timezone}` in words. */
export function describePeriod(period) {
  if (!period) {
    return '';
  }
  const days = period.days === 1 ? '1 day' : `${period.days} days`;
  return `${formatDate(period.start)} to ${formatDate(period.end)} (${days}, ${period.timezone})`;
}

const PLATFORM_NAMES = {
  mastodon: 'Mastodon',
  bluesky: 'Bluesky',
  x: 'X',
  youtube: 'YouTube',
  instagram: 'Instagram',
  facebook: 'Facebook',
  linkedin: 'LinkedIn',
  tiktok: 'TikTok',
  threads: 'Threads',
};

/** A platform's name as people write it. */
export function platformName(platform) {
  return PLATFORM_NAMES[platform] ?? String(platform);
}

/** A snake_case name in words: "median_relative_engagement" becomes "Median relative engagement". */
export function humanize(name) {
  const words = String(name).replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** One CSV field, quoted when it holds a comma, a quote or a line break. */
export function csvField(value) {
  if (value === null || value === undefined) {
    return '';
  }
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** CSV text of `rows` (arrays of fields), lines ended with CRLF. */
export function csvText(rows) {
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/**
 * The rows of a chart configuration: a header, then one row per label with a column per
 * dataset; bubble charts get one row per bubble (dataset, x, y, the figure it stands for,
 * radius).
 */
export function chartRows(config) {
  const data = config?.data ?? { labels: [], datasets: [] };
  if (config?.type === 'bubble') {
    const scales = config.options?.scales ?? {};
    const rows = [[
      'Series',
      scales.x?.title?.text ?? 'x',
      scales.y?.title?.text ?? 'y',
      'Median relative engagement (1 = a typical post)',
      'Bubble radius (px)',
    ]];
    for (const dataset of data.datasets) {
      for (const point of dataset.data) {
        rows.push([dataset.label, point.x, point.y, point.value ?? null, point.r]);
      }
    }
    return rows;
  }
  const indexAxis = config?.options?.indexAxis === 'y' ? 'y' : 'x';
  const labelTitle = config?.options?.scales?.[indexAxis]?.title?.text ?? 'Label';
  const rows = [[labelTitle, ...data.datasets.map((dataset) => dataset.label)]];
  data.labels.forEach((label, index) => {
    rows.push([label, ...data.datasets.map((dataset) => dataset.data[index] ?? null)]);
  });
  return rows;
}

/** A file name made of safe characters: "tally-time_series-2026-11-01-to-2026-11-30.csv". */
export function csvFileName(what, period) {
  const span = period ? `-${period.start}-to-${period.end}` : '';
  return `tally-${what}${span}.csv`.replace(/[^A-Za-z0-9._-]/g, '_');
}
