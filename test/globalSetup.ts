import { prepareProgramFolder } from "./harness/programFolder";
import { note } from "./helpers/note";

/**
 * Prepares, once per jest run, the program folder engine tests install the packed package into.
 * Workers are forked after this runs, so they inherit the environment variable it sets.
 */
export default function globalSetup(): void {
  const log = (message: string): void => note(`[harness] ${message}`);
  const info = prepareProgramFolder({ log });
  const how = info.reused ? "reused" : `npm install took ${((info.installMs ?? 0) / 1000).toFixed(1)} s`;
  log(`program folder ${info.folder} (${how}; ${(info.totalMs / 1000).toFixed(1)} s in all)`);
}
