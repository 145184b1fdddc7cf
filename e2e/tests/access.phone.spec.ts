import { horizontalOverflow } from "../src/layout.ts";
import { expect, test } from "../src/fixtures.ts";

/** On a phone (390 px) the sign-in view and a signed-in header (Sign out, viewer badge) never scroll sideways. */

test.use({ roomAccess: { token: "e2e-admin-token-0123456789" } });

test("sign-in and the signed-in header fit a phone", async ({ page, api }) => {
  const viewer = await api.token.create.mutate({ name: "phone-viewer", role: "viewer" });
  await page.goto("/");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  expect(await horizontalOverflow(page)).toBe(0);
  await page.getByLabel("Token", { exact: true }).fill(viewer.secret);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("read-only (viewer)")).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  expect(await horizontalOverflow(page)).toBe(0);
});
