import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario, ScenarioError, startModelStub } from '../src/index.ts';

const scenariosDir = join(import.meta.dirname, '..', 'scenarios');

describe('scenario files', () => {
  it('every shipped example is valid', async () => {
    const files = (await readdir(scenariosDir)).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      await expect(loadScenario(join(scenariosDir, file)), file).resolves.toHaveProperty('steps');
    }
  });

  it('applies defaults', () => {
    const scenario = parseScenario({ steps: [{ content: [{ tool_use: { name: 'Bash' } }] }] });
    expect(scenario.steps[0]).toMatchObject({ repeat: 1, content: [{ tool_use: { name: 'Bash', input: {} } }] });
  });
});

describe('invalid scenarios are rejected with the path of each problem', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['missing steps', {}, /steps/],
    ['a typo in a step key', { steps: [{ content: [], delay_ms: 5 }] }, /delay_ms[\s\S]*steps\[0\]/],
    ['an unknown block kind', { steps: [{ content: [{ image: 'x' }] }] }, /a content block is[\s\S]*steps\[0\]\.content\[0\]/],
    ['a tool_use without a name', { steps: [{ content: [{ tool_use: { input: {} } }] }] }, /steps\[0\]\.content\[0\]/],
    ['an error status out of range', { steps: [{ error: { status: 200 } }] }, /steps\[0\]\.error\.status/],
    ['error mixed with content', { steps: [{ error: { status: 500 }, content: [{ text: 'x' }] }] }, /cannot be combined/],
    ['cut and streamError together', { steps: [{ cutStreamAfterChunks: 1, streamError: { afterChunks: 1 } }] }, /exclude each other/],
    ['an empty step', { steps: [{ delayMs: 10 }] }, /needs "content"/],
    ['repeat 0', { steps: [{ content: [], repeat: 0 }] }, /steps\[0\]\.repeat/],
    ['a bad fallback', { steps: [], fallback: { repeat: 2, content: [] } }, /repeat[\s\S]*fallback/],
    ['an unknown match key', { steps: [{ content: [], match: { userText: 'x' } }] }, /userText/],
  ];
  it.each(cases)('%s', (_name, input, pattern) => {
    expect(() => parseScenario(input)).toThrow(ScenarioError);
    expect(() => parseScenario(input)).toThrow(pattern);
  });

  it('names the file and says when it is not JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stub-scenario-'));
    try {
      const bad = join(dir, 'bad.json');
      await writeFile(bad, '{ "steps": [ }');
      await expect(loadScenario(bad)).rejects.toThrow(/bad\.json: not JSON/);
      const wrong = join(dir, 'wrong.json');
      await writeFile(wrong, JSON.stringify({ steps: [{ content: [{ txt: 'x' }] }] }));
      await expect(loadScenario(wrong)).rejects.toThrow(/invalid scenario .*wrong\.json/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('startModelStub refuses an invalid scenario', async () => {
    await expect(startModelStub({ scenario: { steps: [{ error: { status: 99 } }] } })).rejects.toThrow(ScenarioError);
  });
});
