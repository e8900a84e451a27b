// The browser-safe analysis API (runCompare in cli.ts reads files and stays out of it).
export {
  compareTokenizers,
  parseTokenizerSpec,
  type CompareOptions,
  type CorpusInput,
  type CorpusText,
  type LabelledTokenizer,
  type Report,
  type ReportCorpus,
  type ReportParity,
  type ReportRow,
  type ReportTokenizer,
  type ReportTotal,
  type SegmentedTokenizer,
  type TokenizerInput,
  type TokenizerLike,
} from "./compare.js";
export { renderCsv, renderJson, renderTable } from "./render.js";
export { renderHtml } from "./html-report.js";
export * as metrics from "./metrics.js";
