// @ts-check
// One lint config for the whole repository (`npm run lint`, part of `npm test`). Type-aware: every file is linted
// with the types of the tsconfig that includes it (projectService), so promise rules see what returns a promise.
import solid from "eslint-plugin-solid/configs/typescript";
import globals from "globals";
import tseslint from "typescript-eslint";

const testFiles = ["**/test/**", "e2e/**", "bench/**", "**/vitest.config.ts"];

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "**/.turbo/**",
      "**/coverage/**",
      "packages/db/src/generated/**",
      "reports/**",
    ],
  },
  {
    files: ["**/*.{ts,tsx,js,mjs,cjs}"],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: {
          // Files no workspace tsconfig includes (config files, plain-JS entry points and workers).
          allowDefaultProject: [
            "*.js",
            "*.cjs",
            "prisma.config.ts",
            "apps/server/bin/*.js",
            "apps/server/vitest.config.ts",
            "packages/db/vitest.config.ts",
            "packages/db/src/events/*.mjs",
            "bench/lib/*.mjs",
            "examples/*.ts",
            "packages/vocabulary/scripts/*.ts",
          ],
          defaultProject: "tsconfig.base.json",
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 16,
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // No floating promises (STYLE.md 18): background work goes through background() from @rozet/vocabulary,
      // which catches and logs. `void promise` is a floating promise too: its rejection is unhandled.
      "@typescript-eslint/no-floating-promises": ["error", { ignoreVoid: false }],
      "@typescript-eslint/no-misused-promises": "error",
      // An async function without await is deliberate here: it turns a synchronous throw into a rejection.
      "@typescript-eslint/require-await": "off",
      // Passing on a caught error (unknown) or an abort reason (any) is fine; a string or a plain object is not.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingUnknown: true, allowThrowingAny: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  {
    // Plain JavaScript has no types to check against: `any` is all there is.
    files: ["**/*.{js,mjs,cjs}"],
    rules: {
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    // Tests, e2e and benchmarks read JSON from the wire and assert on it; `any` there is not worth a cast each time.
    files: testFiles,
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    files: ["apps/web/src/**/*.{ts,tsx}", "apps/web/test/**/*.{ts,tsx}"],
    ...solid,
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...solid.rules,
      // In the page `void` marks a deliberate fire-and-forget call to a function that reports its own failure (a
      // toast, an error state); an unhandled rejection there is logged by the browser, it stops nothing.
      "@typescript-eslint/no-floating-promises": ["error", { ignoreVoid: true }],
    },
  },
);
