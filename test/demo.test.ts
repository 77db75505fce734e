/**
 * `npm run demo` on a machine without the Pulumi CLI: scripts/demo.sh falls back to
 * scripts/demo-engine.ts, which deploys and destroys the quickstart through Pulumi's provider host
 * against a pdd-emulator. Runs the script as a user would, with every `pulumi` removed from PATH. The
 * program folder globalSetup prepared is reused, so this takes seconds, not an npm install.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "./harness";

/** PATH without the folders that hold a `pulumi` executable. */
function pathWithoutPulumi(): string {
  return (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((dir) => dir !== "" && !fs.existsSync(path.join(dir, "pulumi")))
    .join(path.delimiter);
}

/** The lines between the heading that contains `title` and the next heading. */
function section(output: string, title: string): string[] {
  const lines = output.split("\n");
  const start = lines.findIndex((line) => line.startsWith("==> ") && line.includes(title));
  if (start < 0) throw new Error(`no section "${title}" in:\n${output}`);
  const end = lines.findIndex((line, i) => i > start && line.startsWith("==> "));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** `#<id> <type> <subdomain> <content...>` lines of a records section, as [type, subdomain, rest]. */
function records(lines: string[]): string[][] {
  return lines
    .map((line) => /^\s+#\d+ (\S+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1], m[2], m[3]]);
}

describe("npm run demo without the Pulumi CLI", () => {
  let code: number | null;
  let stdout = "";
  let stderr = "";

  beforeAll(async () => {
    const child = spawn("bash", [path.join(repoRoot, "scripts", "demo.sh")], {
      cwd: repoRoot,
      env: { ...process.env, PATH: pathWithoutPulumi() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => child.kill("SIGTERM"), 200_000);
      child.once("error", reject);
      child.once("close", (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
  }, 240_000);

  it("exits 0", () => {
    expect({ code, stderr: code === 0 ? "" : stderr }).toEqual({ code: 0, stderr: "" });
  });

  it("says which mode runs", () => {
    expect(stdout.split("\n")[0]).toMatch(
      /^Pulumi CLI not found: running the quickstart through Pulumi's provider host \(the engine path the tests use\)/,
    );
  });

  it("plans a create for each of the quickstart's resources on Yandex 360", () => {
    const plan = section(stdout, "Plan (");
    for (const name of ["apex", "www", "mx", "spf", "caa"]) {
      expect(plan).toContainEqual(
        expect.stringMatching(new RegExp(`\\+ pdd:PddDnsRecord\\s+${name}\\s+create\\b`)),
      );
    }
    expect(plan).toContain("  Resources: 5 to create");
  });

  it("prints the stack outputs from the created resources", () => {
    const text = section(stdout, "Stack outputs").join("\n");
    const outputs = JSON.parse(text) as Record<string, unknown>;
    expect(outputs).toMatchObject({
      backend: "yandex360",
      records: {
        apex: "example.com",
        www: "www.example.com",
        caa: 'example.com CAA 0 issue "letsencrypt.org"',
      },
      accountDomains: ["example.com"],
    });
    expect(outputs.recordIds).toEqual(Array(5).fill(expect.stringMatching(/^example\.com\/\d+$/)));
  });

  it("leaves the quickstart's records in the emulator after the apply, and a second plan finds nothing to do", () => {
    const applied = records(section(stdout, "records after the apply"));
    expect(applied).toContainEqual(["A", "@", "203.0.113.10 ttl=3600"]);
    expect(applied).toContainEqual(["A", "www", "203.0.113.10 ttl=3600"]);
    expect(applied).toContainEqual(["CAA", "@", '0 issue "letsencrypt.org" ttl=21600']);
    expect(section(stdout, "Plan again")).toContain("  Resources: 5 unchanged");
  });

  it("destroys back to the seeded records, keeping the adopted MX and SPF", () => {
    expect(section(stdout, "Destroy")).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/- pdd:PddDnsRecord\s+mx\s+retained\b/),
        expect.stringMatching(/- pdd:PddDnsRecord\s+apex\s+deleted\b/),
      ]),
    );
    const after = section(stdout, "records after the destroy");
    expect(records(after).map(([type, subdomain]) => `${type} ${subdomain}`)).toEqual([
      "MX @",
      "NS @",
      "NS @",
      "SOA @",
      "TXT @",
    ]);
    expect(after).toContain("Only the 5 seeded records remain, unchanged.");
  });
});
