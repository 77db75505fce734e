/**
 * Compile-time contracts between the resource classes programs use and the runtime modules the
 * provider host loads. Nothing here runs; `tsc` fails the build when a contract breaks, so each
 * piece of provider data is declared once (in the runtime's schemas) and the classes cannot drift.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as dnsRecordRuntime from "../runtime/dnsRecord";
import type { DnsRecordOutputs } from "../runtime/dnsRecordModel";
import type * as domainLogoRuntime from "../runtime/domainLogo";
import type { LogoOutputs } from "../runtime/domainLogo";
import type * as importCheckRuntime from "../runtime/importCheck";
import type { ImportCheckOutputs } from "../runtime/importCheck";
import type { PddDnsRecordState } from "./dnsRecord";
import type { PddDomainLogoState } from "./domainLogo";
import type { PddImportCheckState } from "./importCheck";
import type { RuntimeModuleName } from "./provider";

type Assert<T extends true> = T;

/** `true` when two object types declare exactly the same keys. */
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never]
  ? true
  : false;

/** Each runtime module is a `pulumi.dynamic.ResourceProvider`: the host calls exactly these functions. */
export type RuntimeProviders = Assert<
  {
    dnsRecord: typeof dnsRecordRuntime;
    domainLogo: typeof domainLogoRuntime;
    importCheck: typeof importCheckRuntime;
  } extends Record<RuntimeModuleName, pulumi.dynamic.ResourceProvider>
    ? true
    : false
>;

/** Each resource's public state declares exactly the fields its runtime keeps. */
export type StatesMatchRuntime = Assert<
  [
    SameKeys<PddDnsRecordState, DnsRecordOutputs>,
    SameKeys<PddDomainLogoState, LogoOutputs>,
    SameKeys<PddImportCheckState, ImportCheckOutputs>,
  ] extends [true, true, true]
    ? true
    : false
>;
