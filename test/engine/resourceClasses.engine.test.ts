/**
 * The resource classes as Pulumi users know them from generated SDKs, and the two facts every
 * existing state file depends on: each resource's type token and its exact `__provider` text.
 */
import * as pulumi from "@pulumi/pulumi";
import { startEmulator } from "../../src/emulator";
import { PddDnsRecord, PddDomainLogo, PddImportCheck } from "../../src";
import { captureRegistrations, engineCreate, engineDelete, getProgramFolder, urn } from "../harness";
import { LOGO_TYPE, TOKEN, captureProgram, configuredHost, inputsOf, withoutProvider } from "./support";

/** Changing any of these strands every stack that has such a resource: they are pinned, not derived. */
const PINNED = {
  PddDnsRecord: {
    type: "pulumi-nodejs:dynamic/pdd:PddDnsRecord",
    provider:
      'exports.handler = () => require("module").createRequire(require("path").join(process.cwd(), "program"))("pulumi-yandex-pdd/runtime/dnsRecord");\n',
  },
  PddDomainLogo: {
    type: "pulumi-nodejs:dynamic/pdd:PddDomainLogo",
    provider:
      'exports.handler = () => require("module").createRequire(require("path").join(process.cwd(), "program"))("pulumi-yandex-pdd/runtime/domainLogo");\n',
  },
  PddImportCheck: {
    type: "pulumi-nodejs:dynamic/pdd:PddImportCheck",
    provider:
      'exports.handler = () => require("module").createRequire(require("path").join(process.cwd(), "program"))("pulumi-yandex-pdd/runtime/importCheck");\n',
  },
} as const;

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

describe("type tokens and __provider texts", () => {
  it("are exactly the pinned strings for every resource of the installed package", async () => {
    const captured = await captureRegistrations({
      cwd: getProgramFolder(),
      program: `"use strict";
const pdd = require("pulumi-yandex-pdd");
new pdd.PddDnsRecord("PddDnsRecord", { domain: "example.com", type: "A", subdomain: "www", content: "203.0.113.1" });
new pdd.PddDomainLogo("PddDomainLogo", { domain: "example.com", contentBase64: "${PNG}" });
new pdd.PddImportCheck("PddImportCheck", { domain: "example.com", server: "imap.example.org", method: "imap" });
`,
    });
    const seen = Object.fromEntries(
      captured.resources.map((r) => [r.name, { type: r.type, provider: r.inputs.__provider }]),
    );
    expect(seen).toEqual(PINNED);
  });

  it("are the classes' __pulumiType", () => {
    expect(PddDnsRecord.__pulumiType).toBe(PINNED.PddDnsRecord.type);
    expect(PddDomainLogo.__pulumiType).toBe(PINNED.PddDomainLogo.type);
    expect(PddImportCheck.__pulumiType).toBe(PINNED.PddImportCheck.type);
  });
});

describe("the classes under Pulumi's mocks", () => {
  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => ({ id: args.id ?? `${args.name}-id`, state: { ...args.inputs, recordId: 7 } }),
        call: (args) => args.inputs,
      },
      "project",
      "stack",
      false,
    );
  });

  it("isInstance tells the three apart, also across copies of the SDK (by type token)", () => {
    const record = new PddDnsRecord("r", { domain: "example.com", type: "A", content: "192.0.2.1" });
    const check = new PddImportCheck("c", {
      domain: "example.com",
      server: "imap.example.org",
      method: "imap",
    });
    expect(PddDnsRecord.isInstance(record)).toBe(true);
    expect(PddImportCheck.isInstance(record)).toBe(false);
    expect(PddImportCheck.isInstance(check)).toBe(true);
    expect(PddDomainLogo.isInstance(undefined)).toBe(false);
    expect(PddDnsRecord.isInstance({ __pulumiType: PINNED.PddDnsRecord.type })).toBe(true);
  });

  it("creates an Output for every output-only property", async () => {
    const record = new PddDnsRecord("out", { domain: "example.com", type: "A", content: "192.0.2.1" });
    const recordId = await new Promise((resolve) => record.recordId.apply(resolve));
    expect(recordId).toBe(7);
    expect(PddImportCheck).not.toHaveProperty("get");
  });
});

describe("PddDomainLogo.get through the provider host", () => {
  it("reads the logo a domain has, and reads a domain without one as gone", async () => {
    const cwd = getProgramFolder();
    const emulator = await startEmulator({ token: TOKEN, domains: ["example.com", "example.org"] });
    const resources = await captureProgram(
      cwd,
      `new pdd.PddDomainLogo("logo", { domain: "example.com", contentBase64: "${PNG}" });`,
    );
    const host = await configuredHost(cwd, emulator.url);
    try {
      const created = await engineCreate(host, urn(LOGO_TYPE, "logo"), inputsOf(resources, "logo"));
      const provider = inputsOf(resources, "logo").__provider;
      // What PddDomainLogo.get sends: the id and the loader, nothing else.
      const got = await host.read("example.com", urn(LOGO_TYPE, "got"), { __provider: provider });
      expect(got.id).toBe("example.com");
      expect(withoutProvider(got.properties)).toEqual({
        domain: "example.com",
        logoUrl: created.outputs.logoUrl,
      });
      const none = await host.read("example.org", urn(LOGO_TYPE, "none"), { __provider: provider });
      expect(none.id).toBe("");
      await engineDelete(host, created);
    } finally {
      await host.close();
      await emulator.close();
    }
  });
});
