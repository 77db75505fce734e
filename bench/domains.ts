import { createRequire } from "node:module";
import * as path from "node:path";
import type * as functions from "../src/functions/getPddDomains";
import { startEmulator } from "../src/emulator";
import type { BenchBackend } from "./backends";

export interface DomainsMeasure {
  /** The backend whose domain listing was measured. */
  api: BenchBackend["api"];
  /** The emulator's label of the listing call, e.g. `domain/domains`, `y360/domains/list`. */
  label: string;
  domains: number;
  /** Every API call the function made (the listing's and any other). */
  calls: number;
  /** Of which the listing's own. */
  listCalls: number;
  ideal: number;
  pageSize: number;
  returned: number;
  wallMs: number;
}

/**
 * `getPddDomains` for an account (PDD) or organization (Yandex 360) with `count` domains, from the
 * package installed in the program folder (as a program loads it), with the settings in environment
 * variables (`PDD_TOKEN`, `PDD_ENDPOINT` and, for Yandex 360, `PDD_API` and `YANDEX360_ORG_ID`: there
 * is no stack config outside a Pulumi run). Ideal: one listing call per page of the service's largest
 * page, 20 domains on PDD and 10 on Yandex 360, and no other call (the organization is configured, so
 * none is spent discovering it).
 */
export async function measureGetPddDomains(
  programFolder: string,
  backend: BenchBackend,
  count: number,
  latencyMs: number,
): Promise<DomainsMeasure> {
  const token = "bench-domains-token";
  const names = Array.from({ length: count }, (_, i) => `d${String(i + 1).padStart(2, "0")}.example.com`);
  const emulator = await startEmulator({
    ...backend.emulator,
    token,
    domains: names,
    latencyMs,
    seedDefaultRecords: false,
  });
  const env: Record<string, string> = { ...backend.env, PDD_TOKEN: token, PDD_ENDPOINT: emulator.url };
  const keys = ["PDD_TOKEN", "PDD_ENDPOINT", "PDD_API", "YANDEX360_ORG_ID", "YANDEX360_OAUTH_TOKEN"];
  const saved = new Map(keys.map((key) => [key, process.env[key]]));
  for (const key of keys) {
    if (env[key] === undefined) delete process.env[key];
    else process.env[key] = env[key];
  }
  try {
    const pkg = createRequire(path.join(programFolder, "program"))("pulumi-yandex-pdd") as typeof functions;
    emulator.resetStats();
    const started = performance.now();
    const result = await pkg.getPddDomains();
    const wallMs = performance.now() - started;
    const stats = emulator.stats().requests;
    return {
      api: backend.api,
      label: backend.domainsLabel,
      domains: count,
      calls: stats.total,
      listCalls: stats.byEndpoint[backend.domainsLabel] ?? 0,
      ideal: Math.max(1, Math.ceil(count / backend.domainsPageSize)),
      pageSize: backend.domainsPageSize,
      returned: new Set(result.domains.map((d) => d.name)).size,
      wallMs,
    };
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await emulator.close();
  }
}
