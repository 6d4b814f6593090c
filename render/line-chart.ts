/**
 * One SVG line chart of a measure against the number of hosts, one line per configuration (vega-lite,
 * rendered without a browser). Used by `weave-spec scale` and `weave-spec converge`. A pure function of its
 * points: the same points give the same bytes.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface ChartPoint {
  config: string;
  hosts: number;
  value: number;
}

export async function lineChartSvg(values: readonly ChartPoint[], title: string): Promise<string> {
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 520,
    height: 300,
    data: { values: [...values] },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'hosts', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'hosts' },
      y: { field: 'value', type: 'quantitative', title: null },
      color: { field: 'config', type: 'nominal', title: 'configuration' },
      strokeDash: { field: 'config', type: 'nominal', legend: null },
    },
    config: { font: 'sans-serif', background: 'white', aria: false },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  // ARIA is off, but vega still marks its groups with roles; drop them, and name the chart in a title
  // element instead (what the linter's accessibility rules ask of an SVG).
  const escaped = title.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const plain = svg.replace(/ (role|aria-roledescription)="[^"]*"/g, '');
  return `${plain.replace(/^<svg[^>]*>/, (open) => `${open}<title>${escaped}</title>`)}\n`;
}
