/**
 * diff2html with syntax highlighting, loaded on demand (it and highlight.js are the heaviest parts of the app,
 * and most views never show a diff). Only common languages are registered; others render as plain text.
 */
import "diff2html/bundles/css/diff2html.min.css";
import { ColorSchemeType, LineMatchingType, OutputFormatType } from "diff2html/lib-esm/types.js";
import { Diff2HtmlUI } from "diff2html/lib-esm/ui/js/diff2html-ui-base.js";
import hljs from "highlight.js/lib/core";
import { displayPatch } from "./tool-diff.ts";
import bash from "highlight.js/lib/languages/bash";
import css from "highlight.js/lib/languages/css";
import go from "highlight.js/lib/languages/go";
import java from "highlight.js/lib/languages/java";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import markdown from "highlight.js/lib/languages/markdown";
import plaintext from "highlight.js/lib/languages/plaintext";
import python from "highlight.js/lib/languages/python";
import rust from "highlight.js/lib/languages/rust";
import shell from "highlight.js/lib/languages/shell";
import sql from "highlight.js/lib/languages/sql";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";

const languages = { bash, css, go, java, javascript, json, markdown, plaintext, python, rust, shell, sql, typescript, xml, yaml };
for (const [name, language] of Object.entries(languages)) hljs.registerLanguage(name, language);
hljs.registerAliases(["ts", "tsx", "mts", "cts"], { languageName: "typescript" });
hljs.registerAliases(["js", "jsx", "mjs", "cjs"], { languageName: "javascript" });
hljs.registerAliases(["sh", "zsh"], { languageName: "bash" });
hljs.registerAliases(["html", "svg"], { languageName: "xml" });
hljs.registerAliases(["md"], { languageName: "markdown" });
hljs.registerAliases(["yml"], { languageName: "yaml" });
hljs.registerAliases(["py"], { languageName: "python" });
hljs.registerAliases(["rs"], { languageName: "rust" });

export type DiffFormat = "side-by-side" | "line-by-line";

export function renderDiff(target: HTMLElement, patch: string, options: { format: DiffFormat; dark: boolean }): void {
  const ui = new Diff2HtmlUI(
    target,
    displayPatch(patch),
    {
      outputFormat: options.format === "side-by-side" ? OutputFormatType.SIDE_BY_SIDE : OutputFormatType.LINE_BY_LINE,
      drawFileList: false,
      matching: LineMatchingType.LINES,
      highlight: true,
      synchronisedScroll: true,
      fileContentToggle: false,
      stickyFileHeaders: false,
      colorScheme: options.dark ? ColorSchemeType.DARK : ColorSchemeType.LIGHT,
    },
    hljs,
  );
  ui.draw();
  ui.highlightCode();
}
