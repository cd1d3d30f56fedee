import { test } from "uvu";
import { MemoryStorage } from "../../src/storage/memory.js";
import { storageConformance } from "./conformance.js";

storageConformance(test, async () => new MemoryStorage());

test.run();
