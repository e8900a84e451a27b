// Chat and tool-call token counting for the OpenAI chat formats (issue 13 part 3).
//
// Two things live here, and they are not the same thing:
// - `encodeChat` renders messages into ids: ChatML (`<|im_start|>role<|im_sep|>content<|im_end|>`)
//   for the cl100k and o200k chat models, and harmony (`<|start|>role<|channel|>…<|message|>…<|end|>`)
//   for gpt-oss. The rendering is gpt-tokenizer@4.0.0's `encodeChat`, id for id (test/chat.test.ts),
//   so the two libraries agree; harmony's is OpenAI's published format (openai/harmony).
// - `countChat` is what the API bills (`usage.prompt_tokens`), by the formulas OpenAI published
//   in the cookbook "How to count tokens with tiktoken" (openai/openai-cookbook,
//   examples/How_to_count_tokens_with_tiktoken.ipynb, commit c81359cd): 3 tokens per message, 1 per
//   `name`, 3 for the reply priming, and `num_tokens_for_tools` for tool definitions. For plain
//   messages (no `name`, no tools, no tool calls) it equals `encodeChat(...).length`; harmony
//   is counted from its rendering.

import type { EncodeOptions, Encoding } from "../openai/encoding.js";
import { getEncodingSync } from "../openai/load.js";
import { encodingNameForModel } from "../openai/models.js";
import { InvalidArgumentError } from "../errors.js";

/** A function the model called (an assistant message's `tool_calls[i]`, or the legacy `function_call`). */
export interface ChatFunctionCall {
  name?: string;
  arguments?: string;
}

export interface ChatToolCall {
  id?: string;
  type?: "function";
  function: ChatFunctionCall;
}

export interface ChatMessage {
  role?: "system" | "developer" | "user" | "assistant" | "tool" | "function" | (string & {});
  /** The text (or text parts, `{ type: "text", text }`, as the API accepts); null for an assistant message that only calls tools. */
  content?: string | null | ReadonlyArray<{ type: "text"; text: string }>;
  name?: string;
  tool_calls?: readonly ChatToolCall[];
  function_call?: ChatFunctionCall;
  tool_call_id?: string;
  /** harmony: the channel (`analysis`, `commentary`, `final`). */
  channel?: string;
  /** harmony: the recipient (`functions.get_weather`). */
  recipient?: string;
  /** harmony: where the recipient goes, after the role or after the channel (default: the channel when there is one). */
  recipientPlacement?: "role" | "channel";
  /** harmony: the content type (`json`, `<|constrain|>json`). */
  constraint?: string;
  /** harmony: the closing token (default `<|end|>`). */
  terminator?: "<|end|>" | "<|return|>" | "<|call|>";
}

/** A JSON-schema property of a tool's parameters (only what the published formula reads). */
export interface ChatToolProperty {
  type?: string | string[];
  description?: string;
  enum?: ReadonlyArray<string | number | boolean | null>;
  [key: string]: unknown;
}

export interface ChatFunctionDefinition {
  name: string;
  description?: string;
  parameters?: { type?: "object"; properties?: Record<string, ChatToolProperty>; required?: string[]; [key: string]: unknown };
}

/** A tool as the Chat Completions API takes it (`{ type: "function", function: {...} }`). */
export interface ChatTool {
  type?: "function";
  function: ChatFunctionDefinition;
}

/** Which encoding (and so which chat format): a model name, or an encoding (name or loaded). */
export type ChatTarget = { model: string; encoding?: undefined } | { encoding: Encoding | string; model?: undefined };

export interface ChatOptions extends Pick<EncodeOptions, "allowedSpecial" | "disallowedSpecial"> {
  /**
   * The reply priming appended after the messages: the role the model answers as. Default
   * "assistant"; "" for none (a transcript, not a prompt).
   */
  primeWithAssistantResponse?: string;
  /** countChat/isChatWithinTokenLimit: tool definitions sent with the request (counted by the cookbook's formula). */
  tools?: readonly ChatTool[];
  /** The legacy `functions` parameter: counted as tools with the same definitions. */
  functions?: readonly ChatFunctionDefinition[];
}

type ChatTargetWithOptions = ChatTarget & ChatOptions;

// ---- Formats -------------------------------------------------------------------------------

interface ChatMlFormat {
  kind: "chatml";
  start: number;
  end: number;
  sep: number;
  /** Cookbook num_tokens_for_tools: func_init (7 for gpt-4o/gpt-4o-mini, 10 for gpt-3.5-turbo/gpt-4). */
  funcInit: number;
}

interface HarmonyFormat {
  kind: "harmony";
  start: number;
  message: number;
  end: number;
  return: number;
  call: number;
  channel: number;
  constrain: number;
}

type ChatFormat = ChatMlFormat | HarmonyFormat;

// ChatML ids: the cl100k ones are those of OpenAI's chat models (<|im_start|> 100264,
// <|im_end|> 100265, <|im_sep|> 100266, as tiktoken's cl100k_im and gpt-tokenizer use them).
// OpenAI has not published o200k's; these are gpt-tokenizer@4.0.0's (encodingParams/o200k_base.ts),
// kept so that the two libraries give the same ids. Counts do not depend on them.
const CL100K_CHATML: ChatMlFormat = { kind: "chatml", start: 100264, end: 100265, sep: 100266, funcInit: 10 };
const O200K_CHATML: ChatMlFormat = { kind: "chatml", start: 200003, end: 200004, sep: 200005, funcInit: 7 };
// o200k_harmony's own special tokens (tiktoken's o200k_harmony; src/openai/registry.ts).
const HARMONY: HarmonyFormat = { kind: "harmony", start: 200006, message: 200008, end: 200007, return: 200002, call: 200012, channel: 200005, constrain: 200003 };

// Cookbook "How to count tokens with tiktoken", section 6, num_tokens_from_messages:
const TOKENS_PER_MESSAGE = 3; // "every message follows <|start|>{role/name}\n{content}<|end|>\n" (3 for gpt-3.5-turbo-0125, gpt-4*, gpt-4o*)
const TOKENS_PER_NAME = 1; // tokens_per_name = 1 (same models)
const REPLY_PRIMING = 3; // "every reply is primed with <|start|>assistant<|message|>"
// Cookbook section 7, num_tokens_for_tools (the same for gpt-3.5-turbo, gpt-4, gpt-4o, gpt-4o-mini but func_init):
const PROP_INIT = 3; // "tokens for start of each property" (once per function with properties)
const PROP_KEY = 3; // "tokens for each set property"
const ENUM_INIT = -3; // "tokens if property has enum list"
const ENUM_ITEM = 3; // per enum item, plus the item's own tokens
const FUNC_END = 12; // once, after all functions
// A tool call in an assistant message: name + arguments + 3, the constant of hmarr/openai-chat-tokens
// that gpt-tokenizer@4.0.0 ships as FUNCTION_CALL_METADATA_TOKEN_OVERHEAD (src/functionCalling.ts).
// The cookbook publishes none for tool calls.
const FUNCTION_CALL_OVERHEAD = 3;

interface Resolved {
  enc: Encoding;
  format: ChatFormat;
}

function resolve(given: ChatTarget | undefined, what: string): Resolved {
  const target = given as { model?: unknown; encoding?: unknown } | undefined;
  if (target == null || typeof target !== "object") {
    throw new InvalidArgumentError(`${what}: expected { model } or { encoding } as the second argument, got ${target === null ? "null" : typeof target}`);
  }
  let enc: Encoding;
  if (target.model !== undefined) {
    if (typeof target.model !== "string") throw new InvalidArgumentError(`${what}: model must be a string, got ${typeof target.model}`);
    if (target.encoding !== undefined) throw new InvalidArgumentError(`${what}: give either model or encoding, not both`);
    enc = getEncodingSync(encodingNameForModel(target.model));
  } else if (typeof target.encoding === "string") {
    enc = getEncodingSync(target.encoding);
  } else if (target.encoding && typeof target.encoding === "object" && typeof (target.encoding as Encoding).encode === "function") {
    enc = target.encoding as Encoding;
  } else {
    throw new InvalidArgumentError(`${what}: expected { model } or { encoding }`);
  }
  const format = formatOf(enc.name);
  if (!format) {
    throw new InvalidArgumentError(`${what}: ${enc.name} has no chat format (chat models use cl100k_base, o200k_base or o200k_harmony)`);
  }
  return { enc, format };
}

function formatOf(name: string): ChatFormat | undefined {
  if (name === "cl100k_base") return CL100K_CHATML;
  if (name === "o200k_base") return O200K_CHATML;
  if (name === "o200k_harmony") return HARMONY;
  return undefined;
}

function contentOf(m: ChatMessage, i: number, what: string): string {
  const c = m.content;
  if (typeof c === "string") return c;
  if (c == null) {
    if (m.tool_calls || m.function_call) return "";
    throw new InvalidArgumentError(`${what}: message ${i} has no content`);
  }
  if (Array.isArray(c)) {
    let text = "";
    for (const [k, part] of c.entries()) {
      if (!part || part.type !== "text" || typeof part.text !== "string") {
        throw new InvalidArgumentError(`${what}: message ${i} content part ${k} is not a text part ({ type: "text", text }); only text can be counted`);
      }
      text += part.text;
    }
    return text;
  }
  throw new InvalidArgumentError(`${what}: message ${i} content must be a string, null or an array of text parts, got ${typeof c}`);
}

function checkMessages(messages: unknown, what: string): asserts messages is readonly ChatMessage[] {
  if (!Array.isArray(messages)) throw new InvalidArgumentError(`${what}: expected an array of messages, got ${messages === null ? "null" : typeof messages}`);
  messages.forEach((m, i) => {
    if (m == null || typeof m !== "object") throw new InvalidArgumentError(`${what}: message ${i} is not an object`);
    for (const key of ["role", "name", "channel", "recipient", "constraint", "tool_call_id"] as const) {
      const v = (m as Record<string, unknown>)[key];
      if (v !== undefined && typeof v !== "string") throw new InvalidArgumentError(`${what}: message ${i} ${key} must be a string, got ${typeof v}`);
    }
  });
}

function encodeOpts(o: ChatOptions | undefined): EncodeOptions | undefined {
  if (!o || (o.allowedSpecial === undefined && o.disallowedSpecial === undefined)) return undefined;
  return { ...(o.allowedSpecial !== undefined ? { allowedSpecial: o.allowedSpecial } : {}), ...(o.disallowedSpecial !== undefined ? { disallowedSpecial: o.disallowedSpecial } : {}) };
}

function primeOf(o: ChatOptions | undefined, what: string): string {
  const p = o?.primeWithAssistantResponse ?? "assistant";
  if (typeof p !== "string") throw new InvalidArgumentError(`${what}: primeWithAssistantResponse must be a string, got ${typeof p}`);
  return p;
}

// ---- Rendering -----------------------------------------------------------------------------

function* renderChatMl(r: Resolved, f: ChatMlFormat, messages: readonly ChatMessage[], o: ChatOptions | undefined): Generator<ArrayLike<number>> {
  const opts = encodeOpts(o);
  for (const [i, m] of messages.entries()) {
    const content = contentOf(m, i, "encodeChat");
    const role = m.role ?? "system";
    yield [f.start];
    yield r.enc.encode(m.name ?? role); // the name replaces the role, as gpt-tokenizer renders it
    yield [f.sep];
    yield r.enc.encode(content, opts);
    yield [f.end];
  }
  // (gpt-tokenizer yields the <|im_sep|> even with no priming; a transcript without one ends at <|im_end|>)
  const prime = primeOf(o, "encodeChat");
  if (prime.length > 0) {
    yield [f.start];
    yield r.enc.encode(prime, opts);
    yield [f.sep];
  }
}

function* renderHarmony(r: Resolved, f: HarmonyFormat, messages: readonly ChatMessage[], o: ChatOptions | undefined): Generator<ArrayLike<number>> {
  const opts = encodeOpts(o);
  const header = (t: string): Uint32Array => r.enc.encode(t);
  for (const [i, m] of messages.entries()) {
    const content = contentOf(m, i, "encodeChat");
    yield [f.start];
    yield header(m.name ?? m.role ?? "user");
    const recipientInRole = m.recipient !== undefined && (m.recipientPlacement === "role" || !m.channel);
    if (recipientInRole) yield header(` to=${m.recipient}`);
    if (m.channel) {
      yield [f.channel];
      yield header(m.channel);
      if (m.recipient !== undefined && !recipientInRole) yield header(` to=${m.recipient}`);
    }
    if (m.constraint) {
      yield [f.constrain];
      yield header(m.constraint);
    }
    yield [f.message];
    yield r.enc.encode(content, opts);
    const t = m.terminator;
    if (t !== undefined && t !== "<|end|>" && t !== "<|return|>" && t !== "<|call|>") {
      throw new InvalidArgumentError(`encodeChat: message ${i} terminator must be "<|end|>", "<|return|>" or "<|call|>", got ${JSON.stringify(t)}`);
    }
    yield [t === "<|return|>" ? f.return : t === "<|call|>" ? f.call : f.end];
  }
  const prime = primeOf(o, "encodeChat");
  if (prime.length > 0) {
    yield [f.start];
    yield header(prime);
  }
}

function render(r: Resolved, messages: readonly ChatMessage[], o: ChatOptions | undefined): Generator<ArrayLike<number>> {
  return r.format.kind === "harmony" ? renderHarmony(r, r.format, messages, o) : renderChatMl(r, r.format, messages, o);
}

function concat(parts: Iterable<ArrayLike<number>>): Uint32Array {
  const list = [...parts];
  let n = 0;
  for (const p of list) n += p.length;
  const out = new Uint32Array(n);
  let o = 0;
  for (const p of list) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * The token ids of a chat prompt in the model's format: ChatML for the cl100k and o200k chat
 * models, harmony for gpt-oss (o200k_harmony), then the reply priming (`<|im_start|>assistant<|im_sep|>`,
 * `<|start|>assistant`). Content with special-token text throws `DisallowedSpecialTokenError`
 * unless allowed, as `encode` does.
 * @example encodeChat([{ role: "user", content: "Hello!" }], { model: "gpt-4o" }) // Uint32Array(9) [200003, 882, 200005, 13225, 0, 200004, 200003, 173781, 200005]
 * @throws InvalidArgumentError for a bad message list, an encoding without a chat format, or bad options.
 */
export function encodeChat(messages: readonly ChatMessage[], target: ChatTargetWithOptions): Uint32Array {
  checkMessages(messages, "encodeChat");
  const r = resolve(target, "encodeChat");
  return concat(render(r, messages, target));
}

// ---- Counting (published formulas) --------------------------------------------------------

/**
 * The prompt tokens the API counts for `messages` (and `tools`): the cookbook's formulas for
 * ChatML models, the rendering's length for harmony. Stops early once past `limit`.
 */
function countUpTo(messages: readonly ChatMessage[], target: ChatTargetWithOptions, limit: number, what: string): number {
  checkMessages(messages, what);
  const r = resolve(target, what);
  const opts = encodeOpts(target);
  if (r.format.kind === "harmony") {
    if (target.tools?.length || target.functions?.length) {
      throw new InvalidArgumentError(`${what}: harmony (gpt-oss) renders tools into the developer message; OpenAI publishes no count formula for them: render them into a message and count that`);
    }
    let n = 0;
    for (const part of render(r, messages, target)) {
      n += part.length;
      if (n > limit) return n;
    }
    return n;
  }
  const count = (t: string): number => r.enc.count(t);
  let n = 0;
  for (const [i, m] of messages.entries()) {
    n += TOKENS_PER_MESSAGE;
    if (m.role !== undefined) n += count(m.role);
    n += r.enc.count(contentOf(m, i, what), opts);
    if (m.name !== undefined) n += count(m.name) + TOKENS_PER_NAME;
    const calls = m.tool_calls ?? [];
    if (!Array.isArray(calls)) throw new InvalidArgumentError(`${what}: message ${i} tool_calls must be an array`);
    for (const [k, c] of [...calls.map((c) => c?.function), ...(m.function_call ? [m.function_call] : [])].entries()) {
      if (c == null || typeof c !== "object") throw new InvalidArgumentError(`${what}: message ${i} tool call ${k} has no function`);
      n += (typeof c.name === "string" ? count(c.name) : 0) + (typeof c.arguments === "string" ? count(c.arguments) : 0) + FUNCTION_CALL_OVERHEAD;
    }
    if (n > limit) return n;
  }
  const prime = primeOf(target, what);
  if (prime.length > 0) n += prime === "assistant" ? REPLY_PRIMING : REPLY_PRIMING - 1 + count(prime);
  const defs = [...(target.tools ?? []).map((t, k) => toolFunction(t, k, what)), ...(target.functions ?? [])];
  if (defs.length > 0) n += toolTokens(defs, r.format, count, what);
  return n;
}

function toolFunction(t: ChatTool, k: number, what: string): ChatFunctionDefinition {
  if (t == null || typeof t !== "object" || t.function == null || typeof t.function !== "object") {
    throw new InvalidArgumentError(`${what}: tool ${k} must be { type: "function", function: { name, description, parameters } }`);
  }
  return t.function;
}

/** Cookbook section 7, num_tokens_for_tools, step for step (a description's final "." dropped). */
function toolTokens(defs: readonly ChatFunctionDefinition[], f: ChatMlFormat, count: (t: string) => number, what: string): number {
  const noDot = (s: string | undefined): string => (s === undefined ? "" : s.endsWith(".") ? s.slice(0, -1) : s);
  let n = 0;
  for (const [k, fn] of defs.entries()) {
    if (typeof fn?.name !== "string") throw new InvalidArgumentError(`${what}: tool ${k} has no function name`);
    n += f.funcInit;
    n += count(`${fn.name}:${noDot(fn.description)}`);
    const props = fn.parameters?.properties ?? {};
    const keys = Object.keys(props);
    if (keys.length === 0) continue;
    n += PROP_INIT;
    for (const key of keys) {
      n += PROP_KEY;
      const p = props[key] ?? {};
      if (Array.isArray(p.enum)) {
        n += ENUM_INIT;
        for (const item of p.enum) n += ENUM_ITEM + count(String(item));
      }
      n += count(`${key}:${Array.isArray(p.type) ? p.type.join(",") : String(p.type ?? "")}:${noDot(p.description)}`);
    }
  }
  return n + FUNC_END;
}

/**
 * The number of prompt tokens the API counts for a chat request, by OpenAI's published formulas
 * (cookbook "How to count tokens with tiktoken"): 3 per message + its role, content and name
 * (+1 for a name), 3 for the reply priming, the tools by `num_tokens_for_tools`, tool calls as
 * name + arguments + 3. gpt-oss (harmony) is counted from its rendering.
 * @example countChat([{ role: "user", content: "Hello!" }], { model: "gpt-4o" }) // 9
 */
export function countChat(messages: readonly ChatMessage[], target: ChatTargetWithOptions): number {
  return countUpTo(messages, target, Infinity, "countChat");
}

/**
 * `countChat` if it is at most `limit`, else `false` (stops counting once past it).
 * @example isChatWithinTokenLimit(messages, 4096, { model: "gpt-4o" }) // 124, or false
 */
export function isChatWithinTokenLimit(messages: readonly ChatMessage[], limit: number, target: ChatTargetWithOptions): number | false {
  if (typeof limit !== "number" || !(limit >= 0)) throw new InvalidArgumentError(`isChatWithinTokenLimit: limit must be a non-negative number, got ${String(limit)}`);
  const n = countUpTo(messages, target, limit, "isChatWithinTokenLimit");
  return n <= limit ? n : false;
}
