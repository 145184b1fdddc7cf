import type { ScenarioInput } from "@rozet/model-stub";

/** What the model stub answers in the operator journey (steps are taken in order by matching requests). */
export const journeyScenario: ScenarioInput = {
  name: "e2e-journey",
  steps: [
    { match: { lastUserTextIncludes: "create hello" }, content: [{ text: "Creating hello.txt." }, { tool_use: { name: "Write", input: { file_path: "{{cwd}}/hello.txt", content: "hello world\n" } } }], usage: { input_tokens: 900, output_tokens: 30 } },
    { match: { lastUserTextIncludes: "create hello" }, content: [{ tool_use: { name: "Edit", input: { file_path: "{{cwd}}/hello.txt", old_string: "hello world", new_string: "hello rozet" } } }] },
    { match: { lastUserTextIncludes: "create hello" }, content: [{ text: "Done: hello.txt says hello rozet." }], usage: { input_tokens: 1200, output_tokens: 40 } },
    { match: { lastUserTextIncludes: "try bash" }, content: [{ tool_use: { name: "Bash", input: { command: "rm -rf build", description: "Clean the build" } } }] },
    { match: { lastUserTextIncludes: "try bash" }, content: [{ text: "Understood, I will not run it." }] },
    // Two blocks: Claude Code reports the first once it is complete (after ~2.5 s), while the second streams for ~10 s more.
    { match: { lastUserTextIncludes: "talk slowly" }, content: [{ text: "Thinking it over." }, { text: "This is a very long answer that streams slowly. ".repeat(10) }], chunkDelayMs: 400 },
    { match: { lastUserTextIncludes: "task one" }, content: [{ text: "Task one done." }], usage: { input_tokens: 300, output_tokens: 20 } },
    { match: { lastUserTextIncludes: "task two" }, content: [{ text: "Task two done." }], usage: { input_tokens: 300, output_tokens: 20 } },
    { match: { lastUserTextIncludes: "phone" }, content: [{ tool_use: { name: "Write", input: { file_path: "{{cwd}}/phone.txt", content: "answered from a phone\n" } } }] },
    { match: { lastUserTextIncludes: "phone" }, content: [{ text: "Written." }] },
  ],
  fallback: { content: [{ text: "The stub has nothing scripted for this." }] },
};
