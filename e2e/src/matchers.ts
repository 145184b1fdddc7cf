/**
 * Playwright-style web-first assertions for vitest: each polls its locator until it holds (or, negated, until it
 * no longer does) within the timeout, like @playwright/test's `expect(locator)` (which needs its own runner).
 */
import type { Locator } from "playwright-core";
import { expect } from "vitest";

interface Options {
  timeout?: number;
}

interface LocatorMatchers<R = unknown> {
  toBeVisible(options?: Options): Promise<R>;
  toBeHidden(options?: Options): Promise<R>;
  toBeDisabled(options?: Options): Promise<R>;
  toHaveText(expected: string | RegExp, options?: Options): Promise<R>;
  toContainText(expected: string | RegExp | string[], options?: Options): Promise<R>;
  toHaveAttribute(name: string, value: string | RegExp, options?: Options): Promise<R>;
  toHaveCount(count: number, options?: Options): Promise<R>;
  toHaveValue(value: string, options?: Options): Promise<R>;
  toBeFocused(options?: Options): Promise<R>;
}

declare module "vitest" {
  // Augments vitest's Assertion<T>: the declaration must repeat its type parameter and may add nothing else.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars
  interface Assertion<T = any> extends LocatorMatchers<void> {}
}

const DEFAULT_TIMEOUT = 15_000;

const matches = (actual: string, expected: string | RegExp) => (typeof expected === "string" ? actual === expected : expected.test(actual));
const contains = (actual: string, expected: string | RegExp) => (typeof expected === "string" ? actual.includes(expected) : expected.test(actual));

async function poll(isNot: boolean, timeout: number, check: () => Promise<{ pass: boolean; actual: string }>) {
  const started = Date.now();
  let last = { pass: false, actual: "" };
  for (;;) {
    try {
      last = await check();
    } catch (error) {
      last = { pass: false, actual: `error: ${(error as Error).message}` };
    }
    if (last.pass !== isNot) return last;
    if (Date.now() - started > timeout) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function matcher(name: string, run: (locator: Locator, ...args: any[]) => Promise<{ pass: boolean; actual: string }>, describe: (...args: any[]) => string) {
  return async function (this: { isNot?: boolean }, locator: Locator, ...args: any[]) {
    // vitest leaves `isNot` undefined (not false) on a plain assertion.
    const isNot = this.isNot === true;
    const last = args.at(-1);
    const options: Options = last && typeof last === "object" && !Array.isArray(last) && !(last instanceof RegExp) ? last : {};
    const result = await poll(isNot, options.timeout ?? DEFAULT_TIMEOUT, () => run(locator, ...args));
    return {
      pass: result.pass,
      message: () => `expected ${locator.toString()} ${isNot ? "not " : ""}${name} ${describe(...args)}; got ${result.actual}`,
    };
  };
}

expect.extend({
  toBeVisible: matcher("to be visible", async (l) => {
    const visible = await l.first().isVisible();
    return { pass: visible, actual: visible ? "visible" : "hidden" };
  }, () => ""),
  toBeHidden: matcher("to be hidden", async (l) => {
    const visible = (await l.count()) > 0 && (await l.first().isVisible());
    return { pass: !visible, actual: visible ? "visible" : "hidden" };
  }, () => ""),
  toBeDisabled: matcher("to be disabled", async (l) => {
    const disabled = await l.first().isDisabled({ timeout: 1_000 });
    return { pass: disabled, actual: disabled ? "disabled" : "enabled" };
  }, () => ""),
  toHaveText: matcher("to have text", async (l, expected: string | RegExp) => {
    const text = ((await l.first().textContent({ timeout: 1_000 })) ?? "").trim();
    return { pass: matches(text, expected), actual: JSON.stringify(text) };
  }, (e) => String(e)),
  toContainText: matcher("to contain text", async (l, expected: string | RegExp | string[]) => {
    const texts = await l.allTextContents();
    const all = texts.join("\n");
    const pass = Array.isArray(expected) ? expected.every((e) => texts.some((t) => t.includes(e))) : texts.length > 0 && contains(all, expected);
    return { pass, actual: JSON.stringify(all.slice(0, 400)) };
  }, (e) => JSON.stringify(e instanceof RegExp ? String(e) : e)),
  toHaveAttribute: matcher("to have attribute", async (l, name: string, value: string | RegExp) => {
    const actual = (await l.first().getAttribute(name, { timeout: 1_000 })) ?? "";
    return { pass: matches(actual, value), actual: JSON.stringify(actual) };
  }, (n, v) => `${n}=${String(v)}`),
  toHaveCount: matcher("to have count", async (l, count: number) => {
    const actual = await l.count();
    return { pass: actual === count, actual: String(actual) };
  }, (c) => String(c)),
  toBeFocused: matcher("to be focused", async (l) => {
    const focused = await l.first().evaluate((el) => el === document.activeElement, undefined, { timeout: 1_000 });
    return { pass: focused, actual: focused ? "focused" : "not focused" };
  }, () => ""),
  toHaveValue: matcher("to have value", async (l, value: string) => {
    const actual = await l.first().inputValue({ timeout: 1_000 });
    return { pass: actual === value, actual: JSON.stringify(actual) };
  }, (v) => JSON.stringify(v)),
});
