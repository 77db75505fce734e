import * as fs from "node:fs";
import * as path from "node:path";
import { PROGRAM_FOLDER_ENV } from "../harness/programFolder";

/** Refuses to run without the program folder scripts/compat.mjs prepares, and says what runs. */
export default function globalSetup(): void {
  const folder = process.env[PROGRAM_FOLDER_ENV];
  if (!folder || !fs.existsSync(path.join(folder, ".harness-ready.json"))) {
    throw new Error(`${PROGRAM_FOLDER_ENV} names no prepared program folder: run \`npm run test:compat\``);
  }
  const sdk = JSON.parse(
    fs.readFileSync(path.join(folder, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"),
  ) as { version: string };
  process.stderr.write(
    `[compat] jest on node ${process.version}; program folder ${folder} (@pulumi/pulumi ${sdk.version})\n`,
  );
}
