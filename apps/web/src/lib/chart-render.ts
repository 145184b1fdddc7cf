/** uPlot, loaded on demand (only the Cost view draws charts). */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface ChartSeries {
  label: string;
  colour: string;
  /** Bars (counts) or a stepped line (cumulative values). */
  kind: "bars" | "line";
  /** A total drawn over per-agent lines: dashed, in the theme's text colour (no agent hue can be mistaken for it). */
  total?: boolean;
  values: number[];
  format(value: number): string;
}

export interface ChartHandle {
  setData(x: number[], series: ChartSeries[]): void;
  setSize(width: number, height: number): void;
  destroy(): void;
}

export function createChart(target: HTMLElement, options: { width: number; height: number; series: ChartSeries[]; x: number[]; axisColour: string; gridColour: string }): ChartHandle {
  const build = (series: ChartSeries[]): uPlot.Options => ({
    width: options.width,
    height: options.height,
    legend: { show: true },
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: true } },
    axes: [
      { stroke: options.axisColour, grid: { stroke: options.gridColour, width: 1 }, ticks: { stroke: options.gridColour } },
      {
        stroke: options.axisColour,
        grid: { stroke: options.gridColour, width: 1 },
        ticks: { stroke: options.gridColour },
        // As wide as its longest label ("$0.0125", "12.5K"), so none is clipped at the left edge.
        size: (u, values, axisIndex) => {
          const axis = u.axes[axisIndex]!;
          // Once built, uPlot keeps the font as [css font scaled to the device's pixels, size] (typed as the option).
          const font: unknown = axis.font;
          u.ctx.font = (Array.isArray(font) ? String(font[0]) : typeof font === "string" ? font : "") || "12px sans-serif";
          const widest = Math.max(0, ...(values ?? []).map((label) => u.ctx.measureText(label).width)) / (window.devicePixelRatio || 1);
          return Math.ceil(widest + (axis.ticks?.size ?? 10) + (axis.gap ?? 5) + 6);
        },
        values: (_u, ticks) => ticks.map((t) => series[0]?.format(t) ?? String(t)),
      },
    ],
    series: [
      {},
      ...series.map((s) => ({
        label: s.label,
        stroke: s.total ? options.axisColour : s.colour,
        width: s.kind === "bars" ? 0 : s.total ? 2.5 : 2,
        dash: s.total ? [7, 4] : undefined,
        fill: s.kind === "bars" ? s.colour : undefined,
        paths: s.kind === "bars" ? uPlot.paths.bars!({ size: [0.9, 40] }) : uPlot.paths.stepped!({ align: 1 }),
        points: { show: false },
        value: (_u: uPlot, v: number | null) => (v === null ? "—" : s.format(v)),
      })),
    ],
  });
  let current = options.series.map((s) => s.label).join("|");
  let plot = new uPlot(build(options.series), [options.x, ...options.series.map((s) => s.values)], target);
  return {
    setData(x, series) {
      const shape = series.map((s) => s.label).join("|");
      if (shape !== current) {
        // Series added (a new agent): uPlot needs a new plot for new series.
        const { width, height } = plot;
        plot.destroy();
        current = shape;
        plot = new uPlot({ ...build(series), width, height }, [x, ...series.map((s) => s.values)], target);
        return;
      }
      plot.setData([x, ...series.map((s) => s.values)]);
    },
    setSize(width, height) {
      plot.setSize({ width, height });
    },
    destroy() {
      plot.destroy();
    },
  };
}
