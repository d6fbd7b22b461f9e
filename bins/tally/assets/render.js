// Draws the dashboard's parts from the API's answers: summary cards, chart figures with their
// SVG images and data tables, top posts and recommendations. Text from the API always goes
// in as text, never as markup.

import {
  UNKNOWN,
  chartRows,
  describePeriod,
  formatCount,
  formatDecimal,
  formatLocalDateTime,
  formatPercent,
  formatSignedCount,
  formatSignedPercent,
  formatSignedPoints,
  formatWhole,
  humanize,
  known,
  platformName,
} from './format.js';

/** The chart types the dashboard shows, in order, with short headings (each image has its own title). */
export const CHARTS = [
  { type: 'time_series', title: 'Over time' },
  { type: 'platform_comparison', title: 'Platforms' },
  { type: 'engagement_breakdown', title: 'Kinds of engagement' },
  { type: 'content_performance', title: 'Top posts' },
  { type: 'best_times', title: 'Best times' },
  { type: 'content_type', title: 'Content types' },
];

/** Creates an element with a class and text. */
function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

/** Wraps a table so that it scrolls sideways inside its box rather than widening the page. */
function scrolling(table) {
  const wrap = element('div', 'table-scroll');
  wrap.append(table);
  return wrap;
}

function visuallyHidden(text) {
  return element('span', 'visually-hidden', text);
}

/** The summary figures: what each card shows and how its change reads. */
function summaryFigures(summary) {
  const count = (label, comparison) => ({
    label,
    value: comparison?.current,
    previous: comparison?.previous,
    change: comparison?.change_percent,
    format: formatCount,
    formatChange: formatSignedPercent,
    changeWords: (value) => `${formatDecimal(Math.abs(value))} percent`,
  });
  return [
    count('Posts', summary.posts),
    count('Engagement', summary.engagement),
    {
      label: 'Engagement rate',
      value: summary.engagement_rate?.current,
      previous: summary.engagement_rate?.previous,
      change: summary.engagement_rate?.change,
      format: formatPercent,
      formatChange: formatSignedPoints,
      changeWords: (value) => `${formatDecimal(Math.abs(value))} percentage points`,
    },
    {
      ...count('Engagement per post', summary.engagement_per_post),
      format: formatDecimal,
    },
    count('Reach', summary.reach),
    count('Impressions', summary.impressions),
    count('Followers', summary.followers),
    {
      label: 'Follower growth',
      value: summary.follower_growth?.net?.current,
      previous: summary.follower_growth?.net?.previous,
      change: summary.follower_growth?.net?.change,
      format: formatSignedCount,
      formatChange: formatSignedCount,
      changeWords: (value) => `${formatCount(Math.abs(value))} followers`,
    },
  ];
}

/** Fills the list of summary cards. */
export function renderSummary(list, dashboard) {
  const cards = summaryFigures(dashboard.summary).map((figure) => {
    const card = element('li', 'card');
    card.dataset.figure = figure.label;
    card.append(element('h3', 'card-label', figure.label));
    const value = element('p', 'card-value', figure.format(figure.value));
    if (!known(figure.value)) {
      value.setAttribute('aria-label', 'not known');
    }
    card.append(value, changeLine(figure));
    return card;
  });
  list.replaceChildren(...cards);
}

function changeLine(figure) {
  const line = element('p', 'card-change');
  const previous = `the previous period (${figure.format(figure.previous)})`;
  if (!known(figure.change)) {
    line.classList.add('flat');
    line.append(element('span', null, 'No change to show'));
    line.append(visuallyHidden(`: nothing known to compare with in ${previous}`));
    return line;
  }
  const direction = figure.change > 0 ? 'up' : figure.change < 0 ? 'down' : 'flat';
  const arrow = { up: '▲', down: '▼', flat: '▶' }[direction];
  line.classList.add(direction);
  const shown = element('span', null, `${arrow} ${figure.formatChange(figure.change)}`);
  shown.setAttribute('aria-hidden', 'true');
  const words = direction === 'flat'
    ? `Unchanged from ${previous}`
    : `${direction === 'up' ? 'Up' : 'Down'} ${figure.changeWords(figure.change)} from ${previous}`;
  line.append(shown, element('span', 'change-context', ' vs previous'));
  line.lastChild.setAttribute('aria-hidden', 'true');
  line.append(visuallyHidden(words));
  return line;
}

/** Creates the empty chart figures, each with a CSV button that calls `onDownload(type)`. */
export function createChartFigures(container, onDownload) {
  const figures = new Map();
  for (const chart of CHARTS) {
    const figure = element('figure', 'chart');
    figure.id = `chart-${chart.type}`;
    figure.dataset.chart = chart.type;
    const head = element('div', 'chart-head');
    const heading = element('h3', null, chart.title);
    heading.id = `chart-${chart.type}-title`;
    figure.setAttribute('aria-labelledby', heading.id);
    const button = element('button', 'quiet', 'Download CSV');
    button.type = 'button';
    button.append(visuallyHidden(` of ${chart.title}`));
    button.addEventListener('click', () => onDownload(chart.type));
    head.append(heading, button);
    const image = element('div', 'chart-image');
    const details = element('details', 'chart-data');
    details.append(element('summary', null, 'Data table'));
    figure.append(head, image, details);
    container.append(figure);
    figures.set(chart.type, { figure, heading, image, details, button });
  }
  return figures;
}

/** Shows one chart: the SVG text (or a message when it failed) and a table of its data. */
export function renderChart(parts, config, svgText, failure) {
  parts.figure.dataset.labels = String(config?.data?.labels?.length ?? 0);
  parts.figure.dataset.datasets = String(config?.data?.datasets?.length ?? 0);

  const svg = svgText ? inlineSvg(svgText, parts.figure.id) : null;
  if (svg) {
    parts.image.replaceChildren(svg);
  } else {
    const message = failure ?? 'This chart could not be drawn.';
    parts.image.replaceChildren(element('p', 'chart-failed', message));
  }

  const keep = parts.details.open;
  parts.details.replaceChildren(element('summary', null, 'Data table'), scrolling(dataTable(config)));
  parts.details.open = keep;
}

/**
 * Parses SVG text and returns an element for this document: scripts, foreign content and
 * event handlers are dropped, and ids get the figure's prefix so that several charts'
 * titles and gradients cannot collide.
 */
function inlineSvg(text, prefix) {
  const parsed = new DOMParser().parseFromString(text, 'image/svg+xml');
  const root = parsed.documentElement;
  if (root.localName !== 'svg' || parsed.querySelector('parsererror')) {
    return null;
  }
  for (const unsafe of root.querySelectorAll('script, foreignObject, iframe')) {
    unsafe.remove();
  }
  const renamed = new Map();
  for (const node of [root, ...root.querySelectorAll('[id]')]) {
    if (node.id) {
      renamed.set(node.id, `${prefix}-${node.id}`);
      node.id = `${prefix}-${node.id}`;
    }
  }
  const styles = [];
  for (const node of [root, ...root.querySelectorAll('*')]) {
    for (const attribute of [...node.attributes]) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith('on')) {
        node.removeAttribute(attribute.name);
      } else if (name === 'style') {
        // Inline style attributes would break the page's style policy; keep their
        // declarations and apply them through the object model after import.
        styles.push([node, attribute.value]);
        node.removeAttribute(attribute.name);
      } else if (name === 'href' || name === 'xlink:href') {
        const target = attribute.value.startsWith('#') ? renamed.get(attribute.value.slice(1)) : null;
        if (target) {
          node.setAttribute(attribute.name, `#${target}`);
        } else {
          node.removeAttribute(attribute.name);
        }
      } else if (name === 'aria-labelledby' || name === 'aria-describedby') {
        const ids = attribute.value.split(/\s+/).map((id) => renamed.get(id) ?? id);
        node.setAttribute(attribute.name, ids.join(' '));
      } else if (attribute.value.includes('url(#')) {
        const value = attribute.value.replace(/url\(#([^)]+)\)/g, (whole, id) =>
          renamed.has(id) ? `url(#${renamed.get(id)})` : whole);
        node.setAttribute(attribute.name, value);
      }
    }
  }
  const imported = document.importNode(root, true);
  const originals = [root, ...root.querySelectorAll('*')];
  const copies = [imported, ...imported.querySelectorAll('*')];
  for (const [node, declarations] of styles) {
    const copy = copies[originals.indexOf(node)];
    for (const declaration of declarations.split(';')) {
      const [property, ...value] = declaration.split(':');
      if (property?.trim() && value.length > 0) {
        copy?.style.setProperty(property.trim(), value.join(':').trim());
      }
    }
  }
  imported.removeAttribute('width');
  imported.removeAttribute('height');
  imported.classList.add('chart-svg');
  return imported;
}

/** A table of a chart's data, for reading the exact numbers and for screen readers. */
function dataTable(config) {
  const rows = chartRows(config);
  const table = element('table', 'data-table');
  const head = element('thead');
  const headRow = element('tr');
  for (const name of rows[0]) {
    const cell = element('th', null, name);
    cell.scope = 'col';
    headRow.append(cell);
  }
  head.append(headRow);
  const body = element('tbody');
  for (const row of rows.slice(1)) {
    const tableRow = element('tr');
    row.forEach((value, index) => {
      const cell = element(index === 0 ? 'th' : 'td');
      if (index === 0) {
        cell.scope = 'row';
      }
      cell.textContent = typeof value === 'number' ? formatDecimal(value) : (value ?? UNKNOWN);
      tableRow.append(cell);
    });
    body.append(tableRow);
  }
  if (rows.length === 1) {
    const empty = element('tr');
    const cell = element('td', null, 'No data in this period.');
    cell.colSpan = rows[0].length;
    empty.append(cell);
    body.append(empty);
  }
  table.append(head, body);
  return table;
}

/** The top posts as a table. */
export function renderTopPosts(container, posts) {
  if (!posts.length) {
    container.replaceChildren(element('p', 'empty', 'No posts in this period.'));
    return;
  }
  const table = element('table', 'posts-table');
  table.append(element('caption', 'visually-hidden', 'The most engaging posts of the period'));
  const head = element('tr');
  for (const name of ['Post', 'Platform', 'Type', 'Published', 'Engagement', 'Rate']) {
    const cell = element('th', null, name);
    cell.scope = 'col';
    head.append(cell);
  }
  const thead = element('thead');
  thead.append(head);
  const body = element('tbody');
  for (const post of posts) {
    const row = element('tr');
    const title = post.title || 'Untitled post';
    const titleCell = element('th');
    titleCell.scope = 'row';
    if (/^https?:\/\//i.test(post.url ?? '')) {
      const link = element('a', null, title);
      link.href = post.url;
      link.rel = 'noopener noreferrer';
      titleCell.append(link);
    } else {
      titleCell.textContent = title;
    }
    const rate = element('td', 'number', formatPercent(post.engagement_rate));
    if (known(post.engagement_rate)) {
      rate.title = `per ${post.rate_denominator}`;
    }
    row.append(
      titleCell,
      element('td', null, platformName(post.platform)),
      element('td', null, humanize(post.content_type)),
      element('td', null, formatLocalDateTime(post.published_local)),
      element('td', 'number', formatWhole(post.engagement)),
      rate,
    );
    body.append(row);
  }
  table.append(thead, body);
  container.replaceChildren(table);
}

const evidenceNumber = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

/** The recommendations, each with its evidence. */
export function renderRecommendations(container, recommendations) {
  const items = recommendations?.recommendations ?? [];
  if (!items.length) {
    container.replaceChildren(
      element('p', 'empty', 'Not enough data in this period for recommendations yet.'),
    );
    return;
  }
  const list = element('ol', 'advice');
  for (const item of items) {
    const entry = element('li', 'advice-item');
    entry.append(element('p', 'advice-summary', item.summary));
    entry.append(element('p', 'advice-meta',
      `Confidence: ${item.confidence}. From ${describePeriod(item.period)}.`));
    if (item.evidence?.length) {
      const table = element('table', 'evidence');
      table.append(element('caption', null, 'Evidence'));
      const head = element('tr');
      for (const name of ['Measure', 'Value', 'Baseline', 'Posts']) {
        const cell = element('th', null, name);
        cell.scope = 'col';
        head.append(cell);
      }
      const thead = element('thead');
      thead.append(head);
      const body = element('tbody');
      for (const evidence of item.evidence) {
        const row = element('tr');
        row.append(
          element('td', null, humanize(evidence.measure)),
          element('td', 'number', evidenceNumber.format(evidence.value)),
          element('td', 'number', evidenceNumber.format(evidence.baseline)),
          element('td', 'number', formatWhole(evidence.sample_size)),
        );
        body.append(row);
      }
      table.append(thead, body);
      entry.append(scrolling(table));
    }
    list.append(entry);
  }
  container.replaceChildren(list);
}
