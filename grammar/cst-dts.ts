/**
 * The source of grammar/cst.generated.ts: chevrotain's `generateCstDts` over the parser's productions,
 * so the CST → AST builder is typed against the grammar itself. `npm run grammar:types` rewrites the
 * file; a test fails when it is out of date.
 */
import { generateCstDts } from "chevrotain";
import { hpoParser } from "./parser.js";

const HEADER = `// Generated from grammar/parser.ts by \`npm run grammar:types\` (grammar/cst-dts.ts): do not edit.
// The CST node types of the .hpo parser, one \`<rule>CstNode\` and \`<rule>CstChildren\` per rule.
`;

/** The text of grammar/cst.generated.ts for the current parser. */
export function cstTypesSource(): string {
  return HEADER + generateCstDts(hpoParser.getGAstProductions(), { includeVisitorInterface: false });
}
