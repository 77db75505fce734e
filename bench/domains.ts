import { createRequire } from "node:module";
import * as path from "node:path";
import type * as functions from "../src/functions/getPddDomains";
import { startEmulator } from "../src/emulator";

export interface DomainsMeasure {
  domains: number;
  calls: number;
  ideal: number;
  returned: number;
  wallMs: number;
}

/**
 * `getPddDomains` for an account with `count` domains, from the package installed in the program
 * folder (as a program loads it), with the credentials in `PDD_TOKEN`/`PDD_ENDPOINT` (there is no
 * stack config outside a Pulumi run). Ideal: one `domain/domains` call per page of 20.
 */
export async function measureGetPddDomains(
  programFolder: string,
  count: number,
  latencyMs: number,
): Promise<DomainsMeasure> {
  const token = "bench-domains-token";
  const names = Array.from({ length: count }, (_, i) => `d${String(i + 1).padStart(2, "0")}.example.com`);
  const emulator = await startEmulator({ token, domains: names, latencyMs, seedDefaultRecords: false });
  const saved = { token: process.env.PDD_TOKEN, endpoint: process.env.PDD_ENDPOINT };
  process.env.PDD_TOKEN = token;
  process.env.PDD_ENDPOINT = emulator.url;
  try {
    const pkg = createRequire(path.join(programFolder, "program"))("pulumi-yandex-pdd") as typeof functions;
    emulator.resetStats();
    const started = performance.now();
    const result = await pkg.getPddDomains();
    const wallMs = performance.now() - started;
    return {
      domains: count,
      calls: emulator.stats().requests.byEndpoint["domain/domains"] ?? 0,
      ideal: Math.ceil(count / 20),
      returned: new Set(result.domains.map((d) => d.name)).size,
      wallMs,
    };
  } finally {
    for (const [key, value] of [
      ["PDD_TOKEN", saved.token],
      ["PDD_ENDPOINT", saved.endpoint],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await emulator.close();
  }
}
