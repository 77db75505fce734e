/** The state file: loaded (or the state seeded) at start, rewritten after each change. */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { mulberry32 } from "./faults";
import type { EmulatorOptions } from "./options";
import { DEFAULT_SEED } from "./options";
import { DEFAULT_ORG_ID, EmulatorState } from "./state";

/** The state from `options.stateFile` when it exists, else a freshly seeded one. */
export function loadState(options: EmulatorOptions): EmulatorState {
  if (options.stateFile !== undefined && existsSync(options.stateFile)) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(options.stateFile, "utf8"));
    } catch (error) {
      throw new Error(`state file ${options.stateFile} is not valid JSON: ${(error as Error).message}`);
    }
    // A version 1 file has no organizations: its domains go to the first of `orgIds`.
    return EmulatorState.fromPersisted(json, options.stateFile, options.orgIds);
  }
  const idRng = mulberry32(options.seed ?? DEFAULT_SEED);
  return EmulatorState.seeded({
    domains: options.domains ?? ["example.com"],
    orgIds: options.orgIds ?? [DEFAULT_ORG_ID],
    seedDefaultRecords: options.seedDefaultRecords ?? true,
    records: options.records ?? {},
    // Ids look like the service's (8 digits) and differ per seed, so tests cannot hard-code them.
    firstRecordId: 40_000_000 + Math.floor(idRng() * 1_000_000),
  });
}

export class StateFile {
  private tmpCounter = 0;

  /** Without a `file`, save() does nothing. */
  constructor(
    private readonly file: string | undefined,
    private readonly state: EmulatorState,
  ) {}

  /** Synchronous on purpose: a mutation is on disk before its answer leaves, and writes never interleave. */
  save(): void {
    if (this.file === undefined) return;
    const target = path.resolve(this.file);
    mkdirSync(path.dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.${++this.tmpCounter}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify(this.state.toPersisted(), null, 2) + "\n");
      renameSync(tmp, target);
    } catch (error) {
      rmSync(tmp, { force: true });
      throw error;
    }
  }
}
