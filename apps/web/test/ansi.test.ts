import { describe, expect, it } from "vitest";
import { ansiSegments, paletteColour, stripAnsi } from "../src/lib/ansi.ts";

describe("ansiSegments", () => {
  it("turns SGR codes into styled segments with theme colours", () => {
    const segments = ansiSegments("\x1b[31mFAIL\x1b[0m src/a.test.ts \x1b[1;32mok\x1b[0m");
    expect(segments.map((s) => [s.text, s.fg, s.bold])).toEqual([
      ["FAIL", "var(--ansi-red)", false],
      [" src/a.test.ts ", null, false],
      ["ok", "var(--ansi-green)", true],
    ]);
  });

  it("maps 256-colour and true-colour codes to rgb()", () => {
    expect(ansiSegments("\x1b[38;5;196mx\x1b[0m")[0]!.fg).toBe("rgb(255, 0, 0)");
    expect(ansiSegments("\x1b[38;2;10;20;30mx\x1b[0m")[0]!.fg).toBe("rgb(10, 20, 30)");
    expect(paletteColour(9)).toBe("var(--ansi-bright-red)");
    expect(paletteColour(232)).toBe("rgb(8, 8, 8)");
  });

  it("keeps only the last redraw of a carriage-return progress line", () => {
    expect(stripAnsi("10%\r50%\r100%\ndone")).toBe("100%\ndone");
  });
});
