// A tiny horizontal bar chart in SVG (no dependencies): one panel per scenario, one bar per contender
// with its median, a whisker for the min–max range, and the value printed after the bar.

/** One bar: a median with an optional range. */
export interface ChartBar {
  readonly label: string;
  readonly value: number;
  readonly min?: number;
  readonly max?: number;
  /** Drawn in the accent colour (loafer). */
  readonly isHighlighted?: boolean;
  /** Drawn hatched-grey (a reference, not a peer: the server's ceiling, prototypes). */
  readonly isReference?: boolean;
}

/** One panel: a titled group of bars sharing a scale. */
export interface ChartPanel {
  readonly title: string;
  /** Printed after each value: `msg/s`. */
  readonly unit: string;
  readonly bars: readonly ChartBar[];
}

/** A chart: a title, an optional subtitle line, and panels stacked vertically. */
export interface Chart {
  readonly title: string;
  readonly subtitle?: string;
  readonly panels: readonly ChartPanel[];
}

const WIDTH = 860;
const LABEL_WIDTH = 250;
const VALUE_WIDTH = 130;
const BAR_HEIGHT = 20;
const BAR_GAP = 8;
const PANEL_TITLE_HEIGHT = 30;
const PANEL_GAP = 18;
const HEADER_HEIGHT = 58;
const FOOTER_HEIGHT = 22;

function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function formatValue(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(value >= 10 ? 1 : 2);
}

/** Renders `chart` as a standalone SVG document. */
export function renderBarChart(chart: Chart): string {
  const plotWidth = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 20;
  const parts: string[] = [];
  let y = HEADER_HEIGHT;
  for (const panel of chart.panels) {
    const scaleMax = Math.max(1, ...panel.bars.map((bar) => Math.max(bar.value, bar.max ?? 0)));
    const scale = (value: number): number => (value / scaleMax) * plotWidth;
    parts.push(
      `<text x="12" y="${y + 20}" class="panel">${escapeXml(panel.title)}</text>`,
      `<line x1="${LABEL_WIDTH}" y1="${y + PANEL_TITLE_HEIGHT - 4}" x2="${LABEL_WIDTH}" y2="${y + PANEL_TITLE_HEIGHT + panel.bars.length * (BAR_HEIGHT + BAR_GAP)}" class="axis"/>`,
    );
    y += PANEL_TITLE_HEIGHT;
    for (const bar of panel.bars) {
      const width = Math.max(1, scale(bar.value));
      const fill = bar.isHighlighted ? 'url(#accent)' : bar.isReference ? 'url(#hatch)' : '#8a9bb0';
      const middle = y + BAR_HEIGHT / 2;
      parts.push(
        `<text x="${LABEL_WIDTH - 8}" y="${middle + 4}" class="label${bar.isHighlighted ? ' strong' : ''}" text-anchor="end">${escapeXml(bar.label)}</text>`,
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" rx="2" fill="${fill}"/>`,
      );
      if (bar.min !== undefined && bar.max !== undefined && bar.max > bar.min) {
        const x1 = LABEL_WIDTH + scale(bar.min);
        const x2 = LABEL_WIDTH + scale(bar.max);
        parts.push(
          `<line x1="${x1.toFixed(1)}" y1="${middle}" x2="${x2.toFixed(1)}" y2="${middle}" class="whisker"/>`,
          `<line x1="${x1.toFixed(1)}" y1="${middle - 5}" x2="${x1.toFixed(1)}" y2="${middle + 5}" class="whisker"/>`,
          `<line x1="${x2.toFixed(1)}" y1="${middle - 5}" x2="${x2.toFixed(1)}" y2="${middle + 5}" class="whisker"/>`,
        );
      }
      const valueX = LABEL_WIDTH + Math.max(width, bar.max === undefined ? 0 : scale(bar.max)) + 8;
      parts.push(
        `<text x="${valueX.toFixed(1)}" y="${middle + 4}" class="value${bar.isHighlighted ? ' strong' : ''}">${formatValue(bar.value)} ${escapeXml(panel.unit)}</text>`,
      );
      y += BAR_HEIGHT + BAR_GAP;
    }
    y += PANEL_GAP;
  }
  const height = y + FOOTER_HEIGHT;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeXml(chart.title)}">`,
    '<defs>',
    '<linearGradient id="accent" x1="0" x2="1"><stop offset="0" stop-color="#d9480f"/><stop offset="1" stop-color="#f08c00"/></linearGradient>',
    '<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ced4da"/><line x1="0" y1="0" x2="0" y2="6" stroke="#adb5bd" stroke-width="3"/></pattern>',
    '</defs>',
    '<style>text{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;fill:#212529}.title{font-size:17px;font-weight:600}.subtitle{font-size:12px;fill:#495057}.panel{font-size:14px;font-weight:600}.label{font-size:12px}.value{font-size:12px;fill:#343a40}.strong{font-weight:700}.axis{stroke:#adb5bd;stroke-width:1}.whisker{stroke:#212529;stroke-width:1.2}.note{font-size:11px;fill:#6c757d}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="24" class="title">${escapeXml(chart.title)}</text>`,
    chart.subtitle === undefined
      ? ''
      : `<text x="12" y="44" class="subtitle">${escapeXml(chart.subtitle)}</text>`,
    ...parts,
    `<text x="12" y="${height - 8}" class="note">bars: median; whiskers: min–max over the repetitions</text>`,
    '</svg>',
    '',
  ].join('\n');
}
