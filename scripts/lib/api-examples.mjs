// The ```js blocks of docs/api.md, each a module that imports "hpo": test/index.test.ts runs them
// against the repository's build, scripts/install-test.mjs against an installed tarball.
export function apiExamples(markdown) {
  return [...markdown.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}
