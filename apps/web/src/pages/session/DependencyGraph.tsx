import { For, Show, createMemo, createSignal, createUniqueId, onCleanup, onMount, type JSX } from "solid-js";
import { isNarrow } from "../../lib/media.ts";
import { layoutTaskGraph, type LayoutNode } from "../../state/task-graph.ts";

const NODE_W = 210;
const NODE_H = 78;
const GAP_X = 56;
const GAP_Y = 14;
// Phones: the layers run top to bottom (a plan is usually longer than it is wide), on narrower nodes.
const NARROW_NODE_W = 160;
const NARROW_GAP_X = 12;
const NARROW_GAP_Y = 34;
// Taller: on a narrow node the status goes under the title, which keeps the whole width.
const NARROW_NODE_H = 100;

/**
 * A dependency graph drawn as boxes and arrows: columns left to right in the order the nodes can run (rows top to
 * bottom on a phone), an arrow from each dependency to the node waiting for it. The session's tasks (TaskGraph) and
 * a plan's proposed tasks (PlansView) both draw with it; each says what goes inside a node. Too wide for its space
 * (a phone), the drawing is scaled down to fit rather than scrolling sideways.
 */
export function DependencyGraph<N extends LayoutNode>(props: {
  nodes: readonly N[];
  /** The region's accessible name. */
  label: string;
  /** A dependency that is done: its arrows are dashed. */
  done?: (id: string) => boolean;
  /** Status and title of a node, as data attributes (tests and styles select by them). */
  describe: (node: N) => { status: string; title: string };
  /** What a node shows. */
  children: (node: N) => JSX.Element;
}) {
  const arrowId = `graph-arrow-${createUniqueId()}`;
  const vertical = () => isNarrow();
  const size = () => (vertical() ? { w: NARROW_NODE_W, h: NARROW_NODE_H, gapX: NARROW_GAP_X, gapY: NARROW_GAP_Y } : { w: NODE_W, h: NODE_H, gapX: GAP_X, gapY: GAP_Y });
  const layout = createMemo(() => layoutTaskGraph(props.nodes));
  const byId = createMemo(() => new Map(props.nodes.map((n) => [n.id, n] as const)));
  const position = createMemo(() => {
    const { w, h, gapX, gapY } = size();
    return new Map(
      layout().nodes.map((n) => {
        const point = vertical() ? { x: n.row * (w + gapX), y: n.layer * (h + gapY) } : { x: n.layer * (w + gapX), y: n.row * (h + gapY) };
        return [n.id, point] as const;
      }),
    );
  });
  const across = () => (vertical() ? layout().rows : layout().layers);
  const down = () => (vertical() ? layout().layers : layout().rows);
  const width = () => Math.max(1, across() * (size().w + size().gapX) - size().gapX);
  const height = () => Math.max(1, down() * (size().h + size().gapY) - size().gapY);
  const edgePath = (from: string, to: string) => {
    const a = position().get(from);
    const b = position().get(to);
    if (!a || !b) return "";
    const { w, h } = size();
    if (vertical()) {
      const [x1, y1, x2, y2] = [a.x + w / 2, a.y + h, b.x + w / 2, b.y - 6];
      const mid = (y1 + y2) / 2;
      return `M${x1},${y1} C${x1},${mid} ${x2},${mid} ${x2},${y2}`;
    }
    const [x1, y1, x2, y2] = [a.x + w, a.y + h / 2, b.x - 6, b.y + h / 2];
    const mid = (x1 + x2) / 2;
    return `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
  };

  // The width the region offers, to scale a drawing that does not fit (on a desktop it scrolls instead).
  let region!: HTMLDivElement;
  const [room, setRoom] = createSignal(Number.POSITIVE_INFINITY);
  onMount(() => {
    const measure = () => {
      const style = getComputedStyle(region);
      setRoom(region.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(region);
    onCleanup(() => observer.disconnect());
  });
  const zoom = () => (vertical() && room() > 0 && width() > room() ? room() / width() : 1);

  return (
    // Scrollable when wide: focusable so a keyboard can scroll it too.
    <div ref={region} class="task-graph" classList={{ vertical: vertical() }} role="region" aria-label={props.label} tabindex="0">
      <div class="task-graph-canvas" style={{ width: `${width()}px`, height: `${height()}px`, zoom: zoom() === 1 ? undefined : String(zoom()) }}>
        <svg class="task-graph-edges" width={width()} height={height()} aria-hidden="true">
          <defs>
            <marker id={arrowId} viewBox="0 0 8 8" refX="7" refY="4" markerWidth="8" markerHeight="8" orient="auto">
              <path d="M0,0 L8,4 L0,8 z" />
            </marker>
          </defs>
          <For each={layout().edges}>
            {(edge) => <path d={edgePath(edge.from, edge.to)} data-done={props.done?.(edge.from) ? "true" : "false"} marker-end={`url(#${arrowId})`} />}
          </For>
        </svg>
        <ul class="task-graph-nodes">
          <For each={layout().nodes}>
            {(placed) => (
              // Keyed: a node given as a new object (a plan's tasks are plain data) is drawn again.
              <Show when={byId().get(placed.id)} keyed>
                {(node) => (
                  <li
                    class="task-node"
                    data-status={props.describe(node).status}
                    data-task={props.describe(node).title}
                    style={{
                      left: `${position().get(placed.id)?.x ?? 0}px`,
                      top: `${position().get(placed.id)?.y ?? 0}px`,
                      width: `${size().w}px`,
                      height: `${size().h}px`,
                    }}
                  >
                    {props.children(node)}
                  </li>
                )}
              </Show>
            )}
          </For>
        </ul>
      </div>
    </div>
  );
}
