// Chat counting: encodeChat against gpt-tokenizer@4.0.0's encodeChat (ChatML for cl100k and
// o200k models, harmony for gpt-oss), countChat against the counts OpenAI documents in the cookbook
// "How to count tokens with tiktoken" (openai/openai-cookbook, commit c81359cd, sections 6 and 7).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { encodeChat as gptEncodeChat } from "gpt-tokenizer/model/gpt-4o";
import { encodeChat as gpt4EncodeChat } from "gpt-tokenizer/model/gpt-4";
import { encodeChat as ossEncodeChat } from "gpt-tokenizer/model/gpt-oss-20b";
import { countChat, encodeChat, isChatWithinTokenLimit, getEncodingSync, DisallowedSpecialTokenError, InvalidArgumentError, type ChatMessage } from "../src/index.js";
import { cli } from "./helpers/cli.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Cookbook section 6's example_messages (129 tokens for gpt-3.5-turbo / gpt-4, 124 for gpt-4o / gpt-4o-mini).
const COOKBOOK_MESSAGES: ChatMessage[] = [
  { role: "system", content: "You are a helpful, pattern-following assistant that translates corporate jargon into plain English." },
  { role: "system", name: "example_user", content: "New synergies will help drive top-line growth." },
  { role: "system", name: "example_assistant", content: "Things working well together will increase revenue." },
  { role: "system", name: "example_user", content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage." },
  { role: "system", name: "example_assistant", content: "Let's talk later when we're less busy about how to do better." },
  { role: "user", content: "This late pivot means we don't have time to boil the ocean for the client deliverable." },
];

// Cookbook section 7: 105 tokens for gpt-3.5-turbo / gpt-4, 101 for gpt-4o / gpt-4o-mini.
const COOKBOOK_TOOLS = [
  {
    type: "function" as const,
    function: {
      name: "get_current_weather",
      description: "Get the current weather in a given location",
      parameters: {
        type: "object" as const,
        properties: {
          location: { type: "string", description: "The city and state, e.g. San Francisco, CA" },
          unit: { type: "string", description: "The unit of temperature to return", enum: ["celsius", "fahrenheit"] },
        },
        required: ["location"],
      },
    },
  },
];
const COOKBOOK_TOOL_MESSAGES: ChatMessage[] = [
  { role: "system", content: "You are a helpful assistant that can answer to questions about the weather." },
  { role: "user", content: "What's the weather like in San Francisco?" },
];

describe("countChat: the cookbook's documented API counts", () => {
  it.each([
    ["gpt-3.5-turbo", 129],
    ["gpt-4", 129],
    ["gpt-4-0613", 129],
    ["gpt-4o", 124],
    ["gpt-4o-mini", 124],
  ])("%s: %i prompt tokens", (model, n) => {
    expect(countChat(COOKBOOK_MESSAGES, { model })).toBe(n);
    expect(isChatWithinTokenLimit(COOKBOOK_MESSAGES, n, { model })).toBe(n);
    expect(isChatWithinTokenLimit(COOKBOOK_MESSAGES, n - 1, { model })).toBe(false);
  });

  it.each([
    ["gpt-3.5-turbo", 105],
    ["gpt-4", 105],
    ["gpt-4o", 101],
    ["gpt-4o-mini", 101],
  ])("%s with tools: %i prompt tokens", (model, n) => {
    expect(countChat(COOKBOOK_TOOL_MESSAGES, { model, tools: COOKBOOK_TOOLS })).toBe(n);
  });

  it("legacy functions count as the same tools; tool calls add name + arguments + 3", () => {
    const fns = COOKBOOK_TOOLS.map((t) => t.function);
    expect(countChat(COOKBOOK_TOOL_MESSAGES, { model: "gpt-4o", functions: fns })).toBe(101);
    const enc = getEncodingSync("o200k_base");
    const call: ChatMessage = { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "get_current_weather", arguments: '{"location":"Paris"}' } }] };
    const base = countChat(COOKBOOK_TOOL_MESSAGES, { model: "gpt-4o" });
    expect(countChat([...COOKBOOK_TOOL_MESSAGES, call], { model: "gpt-4o" })).toBe(base + 3 + enc.count("assistant") + enc.count("get_current_weather") + enc.count('{"location":"Paris"}') + 3);
  });
});

const text = fc.string({ maxLength: 40 });
const role = fc.constantFrom("system", "user", "assistant", "developer", "tool");
const plain = fc.array(fc.record({ role, content: text }), { minLength: 0, maxLength: 6 });

describe("encodeChat = gpt-tokenizer@4.0.0 encodeChat", () => {
  it("cookbook messages, ChatML (gpt-4o, gpt-4) and harmony (gpt-oss)", () => {
    expect([...encodeChat(COOKBOOK_MESSAGES, { model: "gpt-4o" })]).toEqual(gptEncodeChat(COOKBOOK_MESSAGES as never));
    expect([...encodeChat(COOKBOOK_MESSAGES, { model: "gpt-4" })]).toEqual(gpt4EncodeChat(COOKBOOK_MESSAGES as never));
    expect([...encodeChat(COOKBOOK_MESSAGES, { model: "gpt-oss-20b" })]).toEqual(ossEncodeChat(COOKBOOK_MESSAGES as never));
  });

  it("random plain messages: the same ids, and countChat is their number", () => {
    fc.assert(
      fc.property(plain, (msgs) => {
        for (const [model, ref] of [["gpt-4o", gptEncodeChat], ["gpt-4", gpt4EncodeChat], ["gpt-oss-20b", ossEncodeChat]] as const) {
          const ids = encodeChat(msgs, { model });
          expect([...ids]).toEqual(ref(msgs as never));
          expect(countChat(msgs, { model })).toBe(ids.length);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("names, custom priming, harmony channels, recipients, constraints, terminators", () => {
    const harmony: ChatMessage[] = [
      { role: "system", content: "You are ChatGPT." },
      { role: "developer", content: "# Instructions\nBe brief." },
      { role: "user", content: "Weather in Tokyo?" },
      { role: "assistant", channel: "analysis", content: "Need to call the tool." },
      { role: "assistant", channel: "commentary", recipient: "functions.get_weather", constraint: "<|constrain|>json", content: '{"city":"Tokyo"}', terminator: "<|call|>" },
      { role: "tool", name: "functions.get_weather", recipient: "assistant", channel: "commentary", content: '{"t":20}' },
      { role: "assistant", recipient: "functions.x", recipientPlacement: "role", channel: "commentary", content: "{}" },
      { role: "assistant", channel: "final", content: "20 °C.", terminator: "<|return|>" },
    ];
    // gpt-tokenizer encodes header text with specials disallowed; "<|constrain|>json" would throw there
    const safe = harmony.map((m) => (m.constraint ? { ...m, constraint: "json" } : m));
    expect([...encodeChat(safe, { model: "gpt-oss-120b" })]).toEqual(ossEncodeChat(safe as never));
    expect([...encodeChat(safe, { model: "gpt-oss-120b", primeWithAssistantResponse: "" })]).toEqual(ossEncodeChat(safe as never, undefined, { primeWithAssistantResponse: "" }));
    const named: ChatMessage[] = [{ role: "user", name: "bob", content: "hi" }];
    expect([...encodeChat(named, { model: "gpt-4o", primeWithAssistantResponse: "critic" })]).toEqual(gptEncodeChat(named as never, undefined, { primeWithAssistantResponse: "critic" }));
  });

  it("harmony's special ids are o200k_harmony's", () => {
    const enc = getEncodingSync("o200k_harmony");
    const ids = encodeChat([{ role: "user", content: "hi" }], { encoding: enc });
    expect(enc.decode(ids)).toBe("<|start|>user<|message|>hi<|end|><|start|>assistant");
    expect(countChat([{ role: "user", content: "hi" }], { encoding: "o200k_harmony" })).toBe(ids.length);
  });
});

describe("errors", () => {
  it("special-token text in content, bad messages, encodings without a chat format", () => {
    expect(() => countChat([{ role: "user", content: "<|endoftext|>" }], { model: "gpt-4o" })).toThrow(DisallowedSpecialTokenError);
    expect(countChat([{ role: "user", content: "<|endoftext|>" }], { model: "gpt-4o", disallowedSpecial: [] })).toBeGreaterThan(7);
    expect(() => countChat("hi" as never, { model: "gpt-4o" })).toThrow(InvalidArgumentError);
    expect(() => countChat([{ role: "user" }], { model: "gpt-4o" })).toThrow(/message 0 has no content/);
    expect(() => countChat([{ role: 3 as never, content: "x" }], { model: "gpt-4o" })).toThrow(/role must be a string/);
    expect(() => encodeChat([], { encoding: "r50k_base" })).toThrow(/no chat format/);
    expect(() => countChat([], undefined as never)).toThrow(InvalidArgumentError);
    expect(() => countChat([], { model: "gpt-oss-20b", tools: COOKBOOK_TOOLS })).toThrow(/harmony/);
    expect(() => isChatWithinTokenLimit([], -1, { model: "gpt-4o" })).toThrow(InvalidArgumentError);
    expect(() => countChat([{ role: "user", content: [{ type: "image_url" } as never] }], { model: "gpt-4o" })).toThrow(/not a text part/);
  });

  it("text parts count as their text", () => {
    expect(countChat([{ role: "user", content: [{ type: "text", text: "Hello " }, { type: "text", text: "world" }] }], { model: "gpt-4o" })).toBe(countChat([{ role: "user", content: "Hello world" }], { model: "gpt-4o" }));
  });
});

describe("CLI: tokenmill count --chat", () => {
  const dir = mkdtempSync(join(tmpdir(), "tokenmill-chat-"));
  it("a JSON array of messages, or { messages, tools }", async () => {
    const a = join(dir, "a.json");
    writeFileSync(a, JSON.stringify(COOKBOOK_MESSAGES));
    expect(await cli(["count", "--chat", a, "-m", "gpt-4o"])).toMatchObject({ code: 0, out: "124\n" });
    expect(await cli(["count", "--chat", a, "-m", "gpt-4"])).toMatchObject({ code: 0, out: "129\n" });
    const b = join(dir, "b.json");
    writeFileSync(b, JSON.stringify({ messages: COOKBOOK_TOOL_MESSAGES, tools: COOKBOOK_TOOLS }));
    expect(await cli(["count", "--chat", b, "-m", "gpt-4o"])).toMatchObject({ code: 0, out: "101\n" });
    expect((await cli(["count", "--chat", "-", "-m", "gpt-4o"], JSON.stringify(COOKBOOK_MESSAGES))).out).toBe("124\n");
  });
  it("bad JSON and bad shapes are usage errors naming the file", async () => {
    const c = join(dir, "c.json");
    writeFileSync(c, "{not json");
    const r = await cli(["count", "--chat", c, "-m", "gpt-4o"]);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain("c.json");
    writeFileSync(c, JSON.stringify({ msgs: [] }));
    expect((await cli(["count", "--chat", c, "-m", "gpt-4o"])).err).toMatch(/messages/);
    expect((await cli(["encode", "--chat", c])).code).toBe(2);
    expect((await cli(["count", "--chat", c, "-t", "x.json"])).code).toBe(2);
    expect((await cli(["count", "--chat", c, "other.txt"])).code).toBe(2);
    expect((await cli(["count", "--chat", join(dir, "missing.json"), "-m", "gpt-4o"])).err).toContain("missing.json");
  });
});
