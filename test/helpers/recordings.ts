/**
 * Recorded live-PDD interactions, read in place from the shared fixtures folder that sits beside
 * the repository (never copied into it). CI always has the folder; a local checkout may not.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";

export const recordingsDir = path.resolve(__dirname, "../../../shared/fixtures/pdd-recorded");

export const recordingsAvailable = fs.existsSync(recordingsDir) && fs.statSync(recordingsDir).isDirectory();

const interactionSchema = z.object({
  request: z.object({
    method: z.enum(["GET", "POST"]),
    path: z.string().startsWith("/api2/admin/"),
    query: z.record(z.string(), z.string()),
  }),
  response: z.object({
    status: z.number().int(),
    contentType: z.string(),
    body: z.unknown(),
  }),
});

const recordingSchema = z.object({ interactions: z.array(interactionSchema).min(1) });

export type RecordedInteraction = z.infer<typeof interactionSchema>;

export interface Recording {
  /** File name, e.g. "authenticate.json". */
  file: string;
  interactions: RecordedInteraction[];
}

/** Every `*.json` recording, sorted by name; a malformed file fails loudly rather than being skipped. */
export function loadRecordings(): Recording[] {
  if (!recordingsAvailable) return [];
  return fs
    .readdirSync(recordingsDir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file) => {
      const raw: unknown = JSON.parse(fs.readFileSync(path.join(recordingsDir, file), "utf8"));
      const parsed = recordingSchema.safeParse(raw);
      if (!parsed.success) {
        throw new Error(
          `Recording ${file} does not match the documented format: ${z.prettifyError(parsed.error)}`,
        );
      }
      return { file, interactions: parsed.data.interactions };
    });
}

/**
 * `describe` when the recordings exist; otherwise a skipped block with one placeholder test and a
 * console warning, so a missing folder shows up in the output instead of passing silently.
 */
export function describeIfRecordings(name: string, fn: () => void): void {
  if (recordingsAvailable) {
    describe(name, fn);
    return;
  }
  describe.skip(`${name} [SKIPPED: recordings folder not found]`, () => {
    console.warn(
      `[recordings] ${recordingsDir} does not exist, so "${name}" is skipped. ` +
        "Check out the shared fixtures beside the repository (CI always has them).",
    );
    test(`needs ${recordingsDir}`, () => {
      expect(fs.existsSync(recordingsDir)).toBe(true);
    });
  });
}
