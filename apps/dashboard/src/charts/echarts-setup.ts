/**
 * Apache ECharts, only the parts the dashboard draws with (tree-shaken from echarts/core), the SVG
 * renderer (crisp at any zoom, text a screen reader and the browser's find can reach). Loaded on
 * demand (a chunk of its own), so the page's skeletons and tables paint before the charts arrive.
 */
import { BarChart, BoxplotChart, LineChart, type BarSeriesOption, type BoxplotSeriesOption, type LineSeriesOption } from 'echarts/charts';
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  type AriaComponentOption,
  type GridComponentOption,
  type LegendComponentOption,
  type MarkLineComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { init, use, type ComposeOption, type ECharts } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

use([BarChart, BoxplotChart, LineChart, AriaComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, SVGRenderer]);

export type ChartOption = ComposeOption<
  | BarSeriesOption
  | BoxplotSeriesOption
  | LineSeriesOption
  | AriaComponentOption
  | GridComponentOption
  | LegendComponentOption
  | MarkLineComponentOption
  | TooltipComponentOption
>;

export type { ECharts };

/** A chart in `element`, drawn as SVG. */
export function createChart(element: HTMLElement): ECharts {
  return init(element, null, { renderer: 'svg', locale: 'EN' });
}
