import { captureRegistrations, secret, startProviderHost } from "../harness";
import type { CapturedResource, ProviderHost, Props } from "../harness";

/** A token that must never show up anywhere but the emulator's `PddToken` header. */
export const TOKEN = "pdd-test-token-5c1e9d7a";

export const DNS_TYPE = "pulumi-nodejs:dynamic/pdd:PddDnsRecord";
export const LOGO_TYPE = "pulumi-nodejs:dynamic/pdd:PddDomainLogo";
export const IMPORT_CHECK_TYPE = "pulumi-nodejs:dynamic/pdd:PddImportCheck";

/**
 * Runs `body` as a Pulumi program (with `pdd` bound to the installed package) under setMocks and
 * returns the registered resources by name: their inputs are exactly what the SDK would send the
 * engine, `__provider` included.
 */
export async function captureProgram(
  cwd: string,
  body: string,
  config: Record<string, unknown> = {},
): Promise<Map<string, CapturedResource>> {
  const program = `"use strict";\nconst pulumi = require("@pulumi/pulumi");\nconst pdd = require("pulumi-yandex-pdd");\n${body}\n`;
  const result = await captureRegistrations({ cwd, program, config, secretKeys: Object.keys(config) });
  return new Map(result.resources.map((r) => [r.name, r]));
}

/** The inputs of a captured resource, failing clearly when the program did not register it. */
export function inputsOf(resources: Map<string, CapturedResource>, name: string): Props {
  const resource = resources.get(name);
  if (!resource) throw new Error(`program registered no resource named ${name}`);
  return resource.inputs;
}

/**
 * A provider host configured as the engine would for a stack with `pdd:token` (secret), `pdd:endpoint`
 * and any other `pdd:*` settings in `options.config`.
 */
export async function configuredHost(
  cwd: string,
  endpoint: string | undefined,
  options: { token?: string; env?: NodeJS.ProcessEnv; config?: Props } = {},
): Promise<ProviderHost> {
  const env = { ...process.env, ...options.env };
  // The host inherits the CLI's environment; keep the test runner's settings out unless a test sets them.
  for (const name of ["PDD_TOKEN", "PDD_ENDPOINT", "PDD_API", "YANDEX360_ORG_ID", "YANDEX360_OAUTH_TOKEN"]) {
    if (!options.env?.[name]) delete env[name];
  }
  const host = await startProviderHost({ cwd, env });
  const config: Props = { ...options.config };
  const token = options.token === undefined ? TOKEN : options.token;
  if (token !== "") config["pdd:token"] = token;
  if (endpoint !== undefined) config["pdd:endpoint"] = endpoint;
  await host.configure(config, { secretKeys: token !== "" ? ["pdd:token"] : [] });
  return host;
}

/**
 * Asserts the token is in no serialized provider, state, error message or host log line collected by
 * a suite.
 */
export function expectTokenAbsent(
  host: ProviderHost,
  seen: { states: Props[]; errors: string[]; resources: Map<string, CapturedResource> },
): void {
  const providers = [...seen.resources.values()].map((r) => r.inputs.__provider);
  expect(JSON.stringify({ states: seen.states, errors: seen.errors, providers })).not.toContain(TOKEN);
  expect(host.logs().join("\n")).not.toContain(TOKEN);
}

/** Removes the provider key, for comparing outputs. */
export function withoutProvider(props: Props | undefined): Props {
  const { __provider: _provider, ...rest } = props ?? {};
  return rest;
}

export { secret };
