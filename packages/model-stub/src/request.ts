import { z } from 'zod';

// The parts of a Messages API request body the stub looks at. Loose objects: Claude Code sends
// many more fields (thinking, metadata, cache_control, …) and the stub must not reject them.

const textish = z.looseObject({ type: z.string(), text: z.string().optional() });

export const messagesRequestSchema = z.looseObject({
  model: z.string().optional(),
  stream: z.boolean().optional(),
  system: z.union([z.string(), z.array(textish)]).optional(),
  messages: z.array(
    z.looseObject({
      role: z.string(),
      content: z.union([z.string(), z.array(textish)]),
    }),
  ),
  tools: z.array(z.unknown()).optional(),
});

export type MessagesRequest = z.infer<typeof messagesRequestSchema>;

/** What matching, placeholders and recording need to know about one request. */
export interface RequestFacts {
  model: string | undefined;
  stream: boolean;
  hasTools: boolean;
  toolNames: string[];
  /** Top-level `system` plus any role:"system" messages (Claude Code puts its environment block there). */
  systemText: string;
  /** Text of the newest user message that has any (tool results and system reminders skipped). */
  lastUserText: string;
  /** The agent's working directory as its prompt names it (see CWD_PATTERNS), system text first, then the messages. */
  cwd: string | undefined;
}

// "Primary working directory: /abs" (Claude Code), "Working directory: /abs" (OpenCode), the first entry under
// "**Workspace Directories:**" (Gemini CLI's session context).
const CWD_PATTERNS = [/(?:Primary working directory|Working directory):\s*(\S[^\n]*)/, /\*\*Workspace Directories:\*\*\s*\n\s*-\s*(\S[^\n]*)/];

function blocksText(content: MessagesRequest['messages'][number]['content']): string[] {
  if (typeof content === 'string') return [content];
  return content.flatMap((block) => (block.type === 'text' && typeof block.text === 'string' ? [block.text] : []));
}

// Claude Code injects <system-reminder> text blocks into user messages; they are not what the user typed.
function isReminder(text: string): boolean {
  return text.trimStart().startsWith('<system-reminder>');
}

function lastUserText(messages: MessagesRequest['messages']): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role !== 'user') continue;
    const texts = blocksText(message.content).filter((text) => !isReminder(text));
    if (texts.length > 0) return texts.join('\n');
  }
  return '';
}

/** The working directory named in the first text that names one (system text first, then the messages). */
export function findCwd(texts: readonly string[]): string | undefined {
  for (const text of texts) {
    for (const pattern of CWD_PATTERNS) {
      const hit = pattern.exec(text);
      if (hit) return hit[1]?.trim();
    }
  }
  return undefined;
}

function systemText(body: MessagesRequest): string {
  const top = typeof body.system === 'string' ? [body.system] : (body.system ?? []).map((block) => block.text ?? '');
  const inline = body.messages.filter((message) => message.role === 'system').flatMap((message) => blocksText(message.content));
  return [...top, ...inline].join('\n');
}

function toolName(tool: unknown): string | undefined {
  if (tool && typeof tool === 'object' && 'name' in tool && typeof tool.name === 'string') return tool.name;
  return undefined;
}

export function requestFacts(body: MessagesRequest): RequestFacts {
  const system = systemText(body);
  const tools = body.tools ?? [];
  return {
    model: body.model,
    stream: body.stream === true,
    hasTools: tools.length > 0,
    toolNames: tools.flatMap((tool) => toolName(tool) ?? []),
    systemText: system,
    lastUserText: lastUserText(body.messages),
    cwd: findCwd([system, ...body.messages.flatMap((message) => blocksText(message.content))]),
  };
}
