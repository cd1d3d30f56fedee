// Runs one compiled uvu test file and prints uvu's totals (read by run-tests.mjs).
import { run } from "uvu/run";
import { basename } from "node:path";

const file = process.argv[2];
await run([{ name: basename(file), file }]);
