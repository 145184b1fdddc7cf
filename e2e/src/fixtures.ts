/**
 * Playwright Test fixtures for control-room journeys (`import { test, expect } from "@rozet/e2e/fixtures"`):
 *
 * - `controlRoom`: a started control room (model stub + real server on a temporary ROZET_HOME serving the built
 *   page), fresh for each test and closed after it; `test.use({ scenario })` scripts what the stub answers.
 * - `api`: its typed client (`@rozet/api/client`); `seed`: shortcuts to create sessions, agents and hook events and
 *   to get an agent to ask for a permission.
 * - `page`: Playwright's page with `baseURL` set to the control room, so `page.goto("/")` opens it.
 *
 * Long journeys whose steps share one page and one control room (journey, a11y, reconnect) start theirs in
 * `test.beforeAll` with `startControlRoom` and a page from `browser.newPage()`; Playwright's failure
 * screenshots and traces cover those pages too.
 */
import { test as base } from "@playwright/test";
import type { ScenarioInput } from "@rozet/model-stub";
import { startControlRoom, type ControlRoom, type ControlRoomOptions } from "./control-room.ts";
import { seedFor, type Seed } from "./seed.ts";

export interface ControlRoomFixtures {
  /** What the model stub answers in this test (default: one line for anything). */
  scenario: ScenarioInput | undefined;
  /** Token and observe-only for this test's control room (`test.use({ roomAccess: { token } })`). */
  roomAccess: Pick<ControlRoomOptions, "token" | "observeOnly">;
  controlRoom: ControlRoom;
  api: ControlRoom["api"];
  seed: Seed;
}

export const test = base.extend<ControlRoomFixtures>({
  scenario: [undefined, { option: true }],
  roomAccess: [{}, { option: true }],
  controlRoom: async ({ scenario, roomAccess }, use) => {
    const room = await startControlRoom({ ...roomAccess, ...(scenario ? { scenario } : {}) });
    try {
      await use(room);
    } finally {
      await room.close();
    }
  },
  api: async ({ controlRoom }, use) => use(controlRoom.api),
  seed: async ({ controlRoom }, use) => use(seedFor(controlRoom)),
  baseURL: async ({ controlRoom }, use) => use(controlRoom.url),
});

export { expect } from "@playwright/test";

export { startControlRoom, stubEnv, waitFor, quietScenario, type ControlRoom, type ControlRoomOptions } from "./control-room.ts";
export { seedFor, hookEvents, postEvents, type Seed, type SeedEventsOptions } from "./seed.ts";
export { screenshot, SCREENSHOTS } from "./screenshots.ts";
export { timelineTypes, timelineSeqs, timelineCount, timelineRow, waitForRow, recordNotifications, notifications } from "./ui.ts";
export { seriousViolations, describeViolations, type AxeViolation } from "./axe.ts";
export { journeyScenario } from "./scenario.ts";
export { chromiumLaunchOptions, launchBrowser, CHROMIUM } from "./browser.ts";
