import { test } from "uvu";
import * as assert from "uvu/assert";
import { familyMember, groupFamilies, parseMember } from "../../src/plan/family.js";

test("a member's name and back", () => {
  assert.is(familyMember("units", 2), "units[2]");
  assert.equal(parseMember("units[2]"), { family: "units", index: 2 });
  assert.is(parseMember("units"), undefined);
});

test("a user module gets each family as one array, in member order", () => {
  assert.equal(
    { ...groupFamilies({ n: 3, "units[2]": 64, "units[0]": 16, lr: 0.1, "units[1]": 32 }) },
    {
      n: 3,
      lr: 0.1,
      units: [16, 32, 64],
    },
  );
  assert.equal({ ...groupFamilies({ x: 1 }) }, { x: 1 });
});

test.run();
