import type { ScenarioInput } from "@rozet/model-stub";

/** Scripted turns per working agent: more than a 2-minute run can use. */
const CYCLES = 400;

/** One working agent's script: each turn writes, edits and runs a command in its own file, then answers. */
export function workScenario(index: number): ScenarioInput {
  const file = `{{cwd}}/load-${index}.txt`;
  const turn = [
    { content: [{ text: "Writing." }, { tool_use: { name: "Write", input: { file_path: file, content: "hello world\n" } } }] },
    { content: [{ text: "Editing." }, { tool_use: { name: "Edit", input: { file_path: file, old_string: "hello world", new_string: "hello rozet" } } }] },
    { content: [{ text: "Checking." }, { tool_use: { name: "Bash", input: { command: `cat load-${index}.txt && echo agent ${index}`, description: "show the file" } } }] },
    { content: [{ text: `Done: load-${index}.txt says hello rozet.` }], usage: { input_tokens: 1_200, output_tokens: 40 } },
  ];
  return { name: `load-${index}`, steps: Array.from({ length: CYCLES }, () => turn).flat() };
}

/** An interrupter's script: every answer takes 30 s to arrive, so the turn is still running when it is interrupted. */
export function slowScenario(): ScenarioInput {
  return { name: "slow", steps: [{ content: [{ text: "Thinking for a long time." }], delayMs: 30_000, repeat: 10_000 }] };
}
