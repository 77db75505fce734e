#!/usr/bin/env node
/**
 * `pdd-emulator`: runs the PDD emulator as a standalone server for local development and CI
 * previews. Prints one "listening" line, then serves until SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import type { FaultKind, FaultOptions } from "./faults";
import { FAULT_KINDS } from "./faults";
import type { EmulatorOptions, PddEmulator } from "./server";
import { startEmulator } from "./server";
import type { DomainSeed } from "./state";
import { DEFAULT_ORG_ID, normalizeDomainName } from "./state";
import type { PddEra } from "./wireFormat";
import { DEFAULT_ERA, ERAS } from "./wireFormat";

const USAGE = `Usage: pdd-emulator [options]

Local emulator of the Yandex "Mail for Domain" (PDD) admin API (/api2/admin/...) and of the
Yandex 360 for Business API (/directory/v1/..., header "Authorization: OAuth <token>"), over one state.

Options:
  --port <n>                  TCP port, 0 = any free port (default 8053)
  --host <addr>               interface to bind (default 127.0.0.1)
  --token <token>             PddToken clients must send (default: $PDD_EMULATOR_TOKEN, else "dev-token")
  --domain <name>[@<orgId>]   domain on the account, in the first organization or in <orgId>;
                              repeat for several (default example.com)
  --org-id <n>                Yandex 360 organization; repeat for several, the first gets plain
                              --domain names (default ${DEFAULT_ORG_ID})
  --no-default-records        start domains empty instead of with Yandex's default MX/NS/SOA/SPF records
  --latency-ms <n>            delay added to every API answer (default 0)
  --state-file <path>         load state from this JSON file if present; save it after every change
  --seed <n>                  seed for record ids, key order and faults (default fixed)
  --era <year>                service to answer as: 2017 (2017-2018, as recorded) or 2022 (default ${DEFAULT_ERA})
  --mail-check-timeout-ms <n> how long import/check_settings waits for a greeting (default 5000)
  --allow-external-mail-check let import/check_settings connect to non-loopback servers
  --fault-rate <0..1>         fraction of API requests that get an injected fault (default 0)
  --fault-kinds <list>        comma-separated subset of: ${FAULT_KINDS.join(", ")}
  --fault-seed <n>            seed for fault injection (default: --seed)
  --help                      show this help

Admin endpoints (no token): GET /_emulator/stats, GET /_emulator/state, POST /_emulator/reset-stats
`;

class UsageError extends Error {}

function intFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim())) throw new UsageError(`--${name} must be an integer, got "${value}"`);
  const parsed = Number(value);
  if (parsed < min || parsed > max) throw new UsageError(`--${name} must be between ${min} and ${max}`);
  return parsed;
}

interface Parsed {
  options: EmulatorOptions;
  tokenSource: string;
  help: boolean;
}

function parse(argv: string[]): Parsed {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        token: { type: "string" },
        domain: { type: "string", multiple: true },
        "org-id": { type: "string", multiple: true },
        "no-default-records": { type: "boolean" },
        "latency-ms": { type: "string" },
        "state-file": { type: "string" },
        seed: { type: "string" },
        era: { type: "string" },
        "mail-check-timeout-ms": { type: "string" },
        "allow-external-mail-check": { type: "boolean" },
        "fault-rate": { type: "string" },
        "fault-kinds": { type: "string" },
        "fault-seed": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help === true) return { options: {}, tokenSource: "", help: true };

  const orgIds = (values["org-id"] ?? []).map((text) => intFlag("org-id", text, 1, Number.MAX_SAFE_INTEGER)!);
  if (new Set(orgIds).size !== orgIds.length) throw new UsageError("--org-id: the same id is given twice");
  const knownOrgs = orgIds.length > 0 ? orgIds : [DEFAULT_ORG_ID];
  const domainArgs = values.domain ?? ["example.com"];
  // `name@orgId` puts a domain in that organization; a plain name goes to the first one.
  const domains: DomainSeed[] = domainArgs.map((arg) => {
    const at = arg.lastIndexOf("@");
    const name = at < 0 ? arg : arg.slice(0, at);
    if (normalizeDomainName(name) === undefined) {
      throw new UsageError(`--domain "${name}" is not a valid domain name`);
    }
    if (at < 0) return name;
    const orgText = arg.slice(at + 1);
    const orgId = /^\d+$/.test(orgText) ? Number(orgText) : NaN;
    if (!Number.isSafeInteger(orgId) || orgId < 1) {
      throw new UsageError(`--domain "${arg}": the organization after @ must be a positive integer`);
    }
    if (!knownOrgs.includes(orgId)) {
      throw new UsageError(
        `--domain "${arg}": organization ${orgId} is not given with --org-id (organizations: ${knownOrgs.join(", ")})`,
      );
    }
    return { name, orgId };
  });
  const domainNames = domains.map((domain) => (typeof domain === "string" ? domain : domain.name));
  if (new Set(domainNames.map((domain) => normalizeDomainName(domain))).size !== domains.length) {
    throw new UsageError("--domain: the same domain is given twice");
  }

  let token = values.token;
  let tokenSource = "--token";
  if (token === undefined && process.env.PDD_EMULATOR_TOKEN) {
    token = process.env.PDD_EMULATOR_TOKEN;
    tokenSource = "PDD_EMULATOR_TOKEN";
  } else if (token === undefined) {
    tokenSource = "the default";
  }
  if (token !== undefined && token.trim() === "") throw new UsageError("--token must not be empty");

  const host = values.host ?? "127.0.0.1";
  if (host.trim() === "") throw new UsageError("--host must not be empty");

  let faults: FaultOptions | undefined;
  const rateText = values["fault-rate"];
  if (rateText !== undefined) {
    const rate = Number(rateText);
    if (rateText.trim() === "" || !Number.isFinite(rate) || rate < 0 || rate > 1) {
      throw new UsageError(`--fault-rate must be a number between 0 and 1, got "${rateText}"`);
    }
    faults = { rate };
    const seed = intFlag("fault-seed", values["fault-seed"], -(2 ** 31), 2 ** 32 - 1);
    if (seed !== undefined) faults.seed = seed;
  } else if (values["fault-seed"] !== undefined || values["fault-kinds"] !== undefined) {
    throw new UsageError("--fault-kinds and --fault-seed need --fault-rate");
  }
  if (faults !== undefined && values["fault-kinds"] !== undefined) {
    const kinds: Partial<Record<FaultKind, number>> = {};
    for (const kind of values["fault-kinds"].split(",").map((part) => part.trim())) {
      if (!(FAULT_KINDS as readonly string[]).includes(kind)) {
        throw new UsageError(`--fault-kinds: unknown kind "${kind}" (known: ${FAULT_KINDS.join(", ")})`);
      }
      kinds[kind as FaultKind] = 1;
    }
    faults.kinds = kinds;
  }

  const options: EmulatorOptions = {
    port: intFlag("port", values.port, 0, 65535) ?? 8053,
    host,
    domains,
    seedDefaultRecords: values["no-default-records"] !== true,
    latencyMs: intFlag("latency-ms", values["latency-ms"], 0, 600_000) ?? 0,
    allowExternalMailCheck: values["allow-external-mail-check"] === true,
  };
  if (token !== undefined) options.token = token;
  if (orgIds.length > 0) options.orgIds = orgIds;
  if (values["state-file"] !== undefined) {
    if (values["state-file"].trim() === "") throw new UsageError("--state-file must not be empty");
    options.stateFile = values["state-file"];
  }
  const seed = intFlag("seed", values.seed, -(2 ** 31), 2 ** 32 - 1);
  if (seed !== undefined) options.seed = seed;
  if (values.era !== undefined) {
    const era = values.era.trim();
    if (!(ERAS as readonly string[]).includes(era)) {
      throw new UsageError(`--era must be ${ERAS.join(" or ")}, got "${values.era}"`);
    }
    options.era = era as PddEra;
  }
  const mailTimeout = intFlag("mail-check-timeout-ms", values["mail-check-timeout-ms"], 1, 600_000);
  if (mailTimeout !== undefined) options.mailCheckTimeoutMs = mailTimeout;
  if (faults !== undefined) options.faults = faults;
  return { options, tokenSource, help: false };
}

async function main(argv: string[]): Promise<void> {
  let parsed: Parsed;
  try {
    parsed = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`pdd-emulator: ${error.message}\nRun "pdd-emulator --help" for usage.\n`);
    process.exitCode = 2;
    return;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return;
  }

  let emulator: PddEmulator;
  try {
    emulator = await startEmulator(parsed.options);
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    const where = `${parsed.options.host}:${parsed.options.port}`;
    const message =
      err.code === "EADDRINUSE"
        ? `cannot listen on ${where}: the port is already in use`
        : err.code === "EADDRNOTAVAIL"
          ? `cannot listen on ${where}: no such local address`
          : err.message;
    process.stderr.write(`pdd-emulator: ${message}\n`);
    process.exitCode = 1;
    return;
  }

  // The token itself is never printed: logs of CI runs are often public.
  process.stdout.write(
    `pdd-emulator listening on ${emulator.url} (token from ${parsed.tokenSource}; ` +
      `domains: ${emulator.domains().join(", ") || "none"}; orgs: ${emulator.orgIds().join(", ")})\n`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.exit(signal === "SIGINT" ? 130 : 143); // second signal: the user really wants out
    }
    stopping = true;
    emulator.close().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => {
        process.stderr.write(`pdd-emulator: error while closing: ${String(error)}\n`);
        process.exitCode = 1;
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(
      `pdd-emulator: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  });
}
