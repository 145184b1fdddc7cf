import { createEffect, on, onCleanup, onMount } from "solid-js";
import type { ChartHandle, ChartSeries } from "../lib/chart-render.ts";
import { themeChoice } from "../lib/theme.ts";

/** A uPlot chart that follows its data, its container's width and the theme. `summary` is what a screen reader hears. */
export function Chart(props: { x: number[]; series: ChartSeries[]; height?: number; label: string; summary: string }) {
  let container!: HTMLDivElement;
  let chart: ChartHandle | null = null;
  let disposed = false;
  const height = () => props.height ?? 180;

  async function build() {
    const { createChart } = await import("../lib/chart-render.ts");
    if (disposed) return;
    chart?.destroy();
    container.replaceChildren();
    const style = getComputedStyle(container);
    chart = createChart(container, {
      width: Math.max(200, container.clientWidth),
      height: height(),
      x: props.x,
      series: props.series,
      axisColour: style.getPropertyValue("--muted").trim() || "#666",
      gridColour: style.getPropertyValue("--border").trim() || "#ddd",
    });
  }

  onMount(() => {
    void build();
    const observer = new ResizeObserver(() => chart?.setSize(Math.max(200, container.clientWidth), height()));
    observer.observe(container);
    onCleanup(() => observer.disconnect());
  });
  createEffect(on([() => props.x, () => props.series], () => chart?.setData(props.x, props.series), { defer: true }));
  // Axis colours come from the theme: rebuild when it changes.
  createEffect(on(themeChoice, () => void build(), { defer: true }));
  onCleanup(() => {
    disposed = true;
    chart?.destroy();
  });
  return (
    <figure class="chart">
      <figcaption class="section-title">{props.label}</figcaption>
      <div ref={container} class="chart-canvas" role="img" aria-label={`${props.label}: ${props.summary}`} />
    </figure>
  );
}
