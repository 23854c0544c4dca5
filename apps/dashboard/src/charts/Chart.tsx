/**
 * One chart: ECharts (loaded on first use) drawing `option` as SVG with ARIA on (a generated
 * description of the data) and decal patterns on every series, so no meaning rests on colour
 * alone. The table beside each chart is its accessible equivalent; a click on a bar or a box
 * (mouse only) does what the table's link in that row does.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { TEXT_STYLE } from './palette';
import type { ChartOption, ECharts } from './echarts-setup';

type EChartsModule = typeof import('./echarts-setup');
let echartsModule: Promise<EChartsModule> | null = null;

/** ECharts' chunk, fetched once; asked for as soon as a panel has data. */
export function loadECharts(): Promise<EChartsModule> {
  echartsModule ??= import('./echarts-setup');
  return echartsModule;
}

export interface ChartSelection {
  readonly index: number | null;
  readonly label: string | null;
}

export interface ChartProps {
  readonly option: ChartOption;
  /** What the chart shows, in one sentence (its accessible description, before ECharts' own summary). */
  readonly description: string;
  /** CSS height, e.g. "320px". */
  readonly height: string;
  /** A click on a data item (its index on the category axis) or on a category's label (its text). */
  readonly onSelect?: (selection: ChartSelection) => void;
  /** Called once the chart is drawn (or could not be): the panel is ready then. */
  readonly onDrawn?: () => void;
}

export function Chart({ option, description, height, onSelect, onDrawn }: ChartProps): ReactNode {
  const element = useRef<HTMLDivElement>(null);
  const [chart, setChart] = useState<ECharts | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const onSelectRef = useRef(onSelect);
  const onDrawnRef = useRef(onDrawn);
  onSelectRef.current = onSelect;
  onDrawnRef.current = onDrawn;

  useEffect(() => {
    let disposed = false;
    let created: ECharts | null = null;
    let observer: ResizeObserver | null = null;
    loadECharts().then(
      (echarts) => {
        if (disposed || !element.current) return;
        created = echarts.createChart(element.current);
        created.on('click', (params) => {
          const clicked = params as { dataIndex?: unknown; value?: unknown; componentType?: unknown };
          const index = typeof clicked.dataIndex === 'number' && clicked.componentType === 'series' ? clicked.dataIndex : null;
          const label =
            typeof clicked.componentType === 'string' && clicked.componentType.endsWith('Axis') && typeof clicked.value === 'string' ? clicked.value : null;
          if (index !== null || label !== null) onSelectRef.current?.({ index, label });
        });
        const target = created;
        observer = new ResizeObserver(() => target.resize());
        observer.observe(element.current);
        setChart(created);
      },
      (error: unknown) => {
        if (disposed) return;
        setFailure(error instanceof Error ? error.message : String(error));
        onDrawnRef.current?.();
      },
    );
    return () => {
      disposed = true;
      observer?.disconnect();
      created?.dispose();
    };
  }, []);

  useEffect(() => {
    if (!chart) return;
    let drawn = false;
    const done = (): void => {
      if (drawn) return;
      drawn = true;
      onDrawnRef.current?.();
    };
    chart.off('finished');
    chart.on('finished', done);
    chart.setOption(
      {
        animation: false,
        textStyle: TEXT_STYLE,
        aria: {
          enabled: true,
          label: { enabled: true, description: `${description} The table below the chart holds the same figures.` },
          decal: { show: true },
        },
        ...option,
      },
      { notMerge: true },
    );
    // ECharts says 'finished' after drawing; two frames later it has drawn in any case.
    let second = 0;
    const first = requestAnimationFrame(() => (second = requestAnimationFrame(done)));
    return () => {
      cancelAnimationFrame(first);
      cancelAnimationFrame(second);
    };
  }, [chart, option, description]);

  return (
    <figure className="gpds-chart">
      {failure ? (
        <p className="gpds-chart__failure">The chart could not be drawn ({failure}); the table below holds the same figures.</p>
      ) : (
        <div ref={element} className="gpds-chart__canvas" style={{ height }} />
      )}
    </figure>
  );
}
