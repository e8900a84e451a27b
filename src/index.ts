// tokenmill: exact, fast tokenization of the OpenAI encodings (and custom tiktoken-style ones),
// tokenizer.json files and SentencePiece models, with the tools around them.
//
// The whole API as browsers, bundlers and require() get it. Node's `import` gets ./index-node.ts:
// the same exports, with the layers of ./api/layers.ts loaded on first use.

import { installEncodingTools } from "./api/install.js";

export * from "./api/core.js";
export * from "./api/layers.js";

installEncodingTools();
