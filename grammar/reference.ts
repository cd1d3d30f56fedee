/**
 * The grammar reference, generated from the parser itself: an EBNF-style text (grammar.ebnf) and an
 * offline railroad-diagram page (railroad.html, chevrotain's diagram scripts inlined, no CDN).
 * `npm run grammar:reference` rewrites grammar/reference/; a test fails when they are out of date.
 */
import {
  Alternation,
  Alternative,
  createSyntaxDiagramsCode,
  type IProduction,
  NonTerminal,
  Option,
  Repetition,
  RepetitionMandatory,
  RepetitionMandatoryWithSeparator,
  RepetitionWithSeparator,
  type Rule,
  Terminal,
  type TokenType,
} from "chevrotain";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { hpoParser } from "./parser.js";
import { ALL_TOKENS } from "./tokens.js";

function terminal(t: TokenType): string {
  const label = t.LABEL ?? t.name;
  const m = /^`(.*)`$/.exec(label);
  return m ? JSON.stringify(m[1]) : t.name;
}

function seq(ps: IProduction[]): string {
  return ps.map(production).join(" ");
}

function production(p: IProduction): string {
  if (p instanceof NonTerminal) return p.nonTerminalName;
  if (p instanceof Terminal) return terminal(p.terminalType);
  if (p instanceof Option) return `[ ${seq(p.definition)} ]`;
  if (p instanceof Repetition) return `{ ${seq(p.definition)} }`;
  if (p instanceof RepetitionMandatory) return `${group(p.definition)} { ${seq(p.definition)} }`;
  if (p instanceof RepetitionWithSeparator)
    return `[ ${group(p.definition)} { ${terminal(p.separator)} ${seq(p.definition)} } ]`;
  if (p instanceof RepetitionMandatoryWithSeparator)
    return `${group(p.definition)} { ${terminal(p.separator)} ${seq(p.definition)} }`;
  if (p instanceof Alternation)
    return `( ${p.definition.map((a) => seq((a as Alternative).definition)).join(" | ")} )`;
  if (p instanceof Alternative) return seq(p.definition);
  return "?";
}

function group(ps: IProduction[]): string {
  return ps.length === 1 ? production(ps[0]!) : `( ${seq(ps)} )`;
}

/** The grammar as EBNF-style text: one rule per line, then the tokens with their patterns. */
export function grammarEbnf(): string {
  const out = [
    "(* The .hpo grammar, generated from grammar/parser.ts by `npm run grammar:reference`. *)",
    '(* [ x ] optional · { x } zero or more · ( a | b ) one of · "x" a literal token *)',
    "",
  ];
  const rules = hpoParser.getGAstProductions();
  for (const [name, rule] of Object.entries(rules) as [string, Rule][]) {
    const body =
      rule.definition.length === 1 && rule.definition[0] instanceof Alternation
        ? (rule.definition[0] as Alternation).definition
            .map((a) => seq((a as Alternative).definition))
            .join("\n    | ")
        : seq(rule.definition);
    out.push(`${name} ::= ${body} ;`);
  }
  out.push("", "(* Tokens, in matching order. Whitespace and # comments separate tokens. *)");
  for (const t of ALL_TOKENS) {
    const pattern = t.PATTERN;
    const text = pattern instanceof RegExp ? `/${pattern.source}/` : "(category)";
    out.push(`${t.name} ::= ${text} ;`);
  }
  return `${out.join("\n")}\n`;
}

/** Railroad diagrams of every rule, as one HTML page that works offline. */
export function railroadHtml(): string {
  const root = join(dirname(fileURLToPath(import.meta.resolve("chevrotain"))), "..", "..");
  const read = (p: string) => readFileSync(join(root, "diagrams", p), "utf8");
  let html = createSyntaxDiagramsCode(hpoParser.getSerializedGastProductions(), {
    resourceBase: "RESOURCE/",
    css: "RESOURCE/diagrams.css",
  });
  html = html.replace(
    /<link rel='stylesheet' href='RESOURCE\/diagrams.css'>/,
    `<style>\n${read("diagrams.css")}\n</style>`,
  );
  html = html.replace(
    /<script src='RESOURCE\/([^']+)'><\/script>/g,
    (_, p: string) => `<script>\n${read(p)}\n</script>`,
  );
  return html.replace('<meta charset="utf-8">', '<meta charset="utf-8">\n<title>The .hpo grammar</title>');
}
