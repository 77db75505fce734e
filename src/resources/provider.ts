import type * as pulumi from "@pulumi/pulumi";

/** What every `dist/runtime/<name>.js` module exports: the full `pulumi.dynamic` provider surface. */
export type RuntimeModule = Required<pulumi.dynamic.ResourceProvider>;

// Both comments sit outside the body on purpose: comments inside it would be serialized into `__provider`.
/* eslint-disable @typescript-eslint/no-require-imports -- the require must run in the provider host; an import would be captured into `__provider` */
/**
 * Loads `pulumi-yandex-pdd/runtime/<name>` inside the provider host, at call time.
 *
 * Resolution starts from a file that would sit in the program's working directory, so it finds the
 * package both in the program's `node_modules` and, through the package's own `exports`
 * (self-reference), when the program is this repository. A bare `require("pulumi-yandex-pdd/…")`
 * cannot do the latter: `require-from-string` gives the serialized module no filename to
 * self-reference from.
 *
 * Pulumi's closure serializer treats `require` and `process` as run-time globals and leaves them out of
 * the capture, so this function serializes as its own source text. A top-level import would instead be
 * captured: as `require("pulumi-yandex-pdd/dist/runtime/….js")`, which the `exports` map forbids, or,
 * from this repository, by value with everything it references.
 */
function load(name: string): RuntimeModule {
  return require("module").createRequire(require("path").join(process.cwd(), "program"))(
    `pulumi-yandex-pdd/runtime/${name}`,
  );
}
/* eslint-enable @typescript-eslint/no-require-imports */

/*
 * The three providers below are what `pulumi.dynamic.Resource` serializes into each resource's
 * `__provider` property. They are deliberately tiny shims:
 *
 * - Every method loads the implementation by package name inside its body, so the serialized text
 *   captures no values (no zod schemas, no undici, no config) — only `load`, which serializes as code.
 * - The text therefore depends only on this file's compiled output (and the SDK's serializer): it is
 *   byte-identical for all resources of a type and across patch releases, so an upgrade does not
 *   rewrite `__provider` in every state file. Measured: 2447–2461 bytes per resource (budget 3 KB).
 * - Separate object literals with the module name written out serialize smaller than a factory that
 *   captures the name (measured about 85 bytes less per resource).
 *
 * The provider host caches and configures each distinct `__provider` string once, so each runtime
 * module receives its own `configure` call.
 */

/** Serialized provider of `PddDnsRecord`; the implementation is `pulumi-yandex-pdd/runtime/dnsRecord`. */
export const dnsRecordProvider: pulumi.dynamic.ResourceProvider = {
  configure: async (req) => load("dnsRecord").configure(req),
  check: async (olds, news) => load("dnsRecord").check(olds, news),
  diff: async (id, olds, news) => load("dnsRecord").diff(id, olds, news),
  create: async (inputs) => load("dnsRecord").create(inputs),
  read: async (id, props) => load("dnsRecord").read(id, props),
  update: async (id, olds, news) => load("dnsRecord").update(id, olds, news),
  delete: async (id, props) => load("dnsRecord").delete(id, props),
};

/** Serialized provider of `PddDomainLogo`; the implementation is `pulumi-yandex-pdd/runtime/domainLogo`. */
export const domainLogoProvider: pulumi.dynamic.ResourceProvider = {
  configure: async (req) => load("domainLogo").configure(req),
  check: async (olds, news) => load("domainLogo").check(olds, news),
  diff: async (id, olds, news) => load("domainLogo").diff(id, olds, news),
  create: async (inputs) => load("domainLogo").create(inputs),
  read: async (id, props) => load("domainLogo").read(id, props),
  update: async (id, olds, news) => load("domainLogo").update(id, olds, news),
  delete: async (id, props) => load("domainLogo").delete(id, props),
};

/** Serialized provider of `PddImportCheck`; the implementation is `pulumi-yandex-pdd/runtime/importCheck`. */
export const importCheckProvider: pulumi.dynamic.ResourceProvider = {
  configure: async (req) => load("importCheck").configure(req),
  check: async (olds, news) => load("importCheck").check(olds, news),
  diff: async (id, olds, news) => load("importCheck").diff(id, olds, news),
  create: async (inputs) => load("importCheck").create(inputs),
  read: async (id, props) => load("importCheck").read(id, props),
  update: async (id, olds, news) => load("importCheck").update(id, olds, news),
  delete: async (id, props) => load("importCheck").delete(id, props),
};
