/**
 * Loading a stored study for the report, `hpo trials` and `hpo best`: opens the storage a URL names,
 * reads the study and its trials, closes it. Read-only in intent: a SQLite file that does not exist is
 * an error here, not a new empty database.
 */
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { openStorage } from "../storage/index.js";
import { HpoError } from "../util/errors.js";
import { studyDataFrom } from "./convert.js";
import type { StudyData } from "./data.js";

/** The study `studyName` kept at `storageUrl` (`sqlite:PATH`, `postgresql://…`), as StudyData. */
export async function loadStudyData(storageUrl: string, studyName: string): Promise<StudyData> {
  if (storageUrl.startsWith("sqlite:")) {
    const path = storageUrl.slice("sqlite:".length);
    const file = isAbsolute(path) ? path : resolve(path);
    if (path !== "" && path !== ":memory:" && !existsSync(file))
      throw new HpoError(`no study database at ${file}`, { hint: "run the study first: `hpo run SPEC`" });
  }
  const storage = await openStorage(storageUrl, process.cwd(), { readOnly: true });
  try {
    const study = await storage.getStudy(studyName);
    if (!study) {
      const names = (await storage.listStudies()).map((s) => `\`${s.name}\``);
      throw new HpoError(`no study \`${studyName}\` in ${storage.url}`, {
        hint: names.length > 0 ? `studies there: ${names.join(", ")}` : "run the study first: `hpo run SPEC`",
      });
    }
    return studyDataFrom(study, await storage.getTrials(study.id));
  } finally {
    await storage.close();
  }
}
