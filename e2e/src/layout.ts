/** Measurements of the page's layout, for the layout specs. */
import type { Page } from "@playwright/test";

/**
 * Timeline rows the operator can see now: wholly inside the timeline's scroll area and inside the window, and not
 * covered by anything (the element at the row's centre is the row itself).
 */
export async function visibleTimelineRows(page: Page): Promise<number> {
  return page.evaluate(() => {
    const viewport = document.querySelector(".tl-viewport");
    if (!viewport) return 0;
    const area = viewport.getBoundingClientRect();
    let count = 0;
    for (const row of document.querySelectorAll<HTMLElement>(".tl-row")) {
      const r = row.getBoundingClientRect();
      if (r.height === 0 || r.top < area.top - 0.5 || r.bottom > area.bottom + 0.5 || r.bottom > window.innerHeight + 0.5) continue;
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (hit && row.contains(hit)) count++;
    }
    return count;
  });
}

/**
 * How far the page scrolls sideways (0 = not at all): the document, the main area (the page's own scroll
 * container), or any region inside it (a table in a scrolling wrapper). Code and diffs may scroll by themselves.
 */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    let worst = document.documentElement.scrollWidth - window.innerWidth;
    for (const el of document.querySelectorAll<HTMLElement>("body *")) {
      if (el.closest("pre, code, textarea, .payload, .diff-view, .diff-target")) continue;
      if (!/(auto|scroll)/.test(getComputedStyle(el).overflowX)) continue;
      worst = Math.max(worst, el.scrollWidth - el.clientWidth);
    }
    return worst;
  });
}

/** Elements that reach past the window's right edge (to name the culprit when a page scrolls sideways). */
export async function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>("body *")) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > window.innerWidth + 1 && !el.closest("pre, code, .payload, .diff-view")) {
        // Inside a scroll container of its own (a wide diff or table that scrolls by itself) is fine.
        let p = el.parentElement;
        let clipped = false;
        while (p && p !== document.body) {
          const style = getComputedStyle(p);
          if (/(hidden|clip)/.test(style.overflowX) && p.getBoundingClientRect().right <= window.innerWidth + 1) {
            clipped = true;
            break;
          }
          p = p.parentElement;
        }
        if (!clipped) out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")} right=${Math.round(r.right)}`);
      }
    }
    return out.slice(0, 10);
  });
}
