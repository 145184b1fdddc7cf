/** uPlot, loaded on demand (only the Cost view draws charts). */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface ChartSeries {
  label: string;
  colour: string;
  /** Bars (counts) or a stepped line (cumulative values). */
  kind: "bars" | "line";
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
      { stroke: options.axisColour, grid: { stroke: options.gridColour, width: 1 }, ticks: { stroke: options.gridColour }, size: 60, values: (_u, ticks) => ticks.map((t) => series[0]?.format(t) ?? String(t)) },
    ],
    series: [
      {},
      ...series.map((s) => ({
        label: s.label,
        stroke: s.colour,
        width: s.kind === "bars" ? 0 : 2,
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
