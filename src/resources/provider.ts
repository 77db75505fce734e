/**
 * The `__provider` property of this package's resources: the text the SDK's dynamic provider host
 * (`@pulumi/pulumi/cmd/dynamic-provider`) evaluates to find a resource's implementation.
 *
 * The host loads each distinct text once per process with `require-from-string`, calls its
 * `exports.handler()`, caches the result and then calls `configure`, `check`, `diff`, `create`,
 * `read`, `update` and `delete` on it. Ours hands back the module `pulumi-yandex-pdd/runtime/<name>`,
 * which exports exactly those functions.
 *
 * Why a fixed text rather than `pulumi.dynamic.Resource`, which closure-serializes a provider object:
 * - Size. The engine stores `__provider` twice per resource (inputs and outputs) and sends it in every
 *   Check, Diff, Create, Read, Update and Delete. The serializer wraps each of the seven methods in its
 *   own `with` scope: 2447 bytes. This text is under 200, so state is about 80% smaller and the SDK's
 *   protobuf work per call shrinks with it (docs/performance.md has the figures).
 * - Stability. The text depends on nothing but the runtime module's name: not on the SDK's serializer,
 *   the TypeScript emit or this package's version, so an upgrade does not rewrite every state file.
 * - It captures nothing by construction: no config, no token, no client.
 *
 * The module is resolved from a file that would sit in the program's working directory, the directory
 * the engine starts the provider host in. That finds the package in the program's `node_modules`, and,
 * through the package's own `exports` (self-reference), when the program is this repository (the root
 * `Pulumi.yaml`). A bare `require("pulumi-yandex-pdd/…")` would miss the latter: `require-from-string`
 * gives the text no file name to self-reference from.
 */

/** The runtime modules behind the resources: `dist/runtime/<name>.js`, exported as `./runtime/<name>`. */
export type RuntimeModuleName = "dnsRecord" | "domainLogo" | "importCheck";

/** The engine's type token of a resource of this package, e.g. `pulumi-nodejs:dynamic/pdd:PddDnsRecord`. */
export function dynamicType(resourceName: string): string {
  // `pulumi-nodejs:dynamic…` is what makes the engine hand the resource to the dynamic provider host.
  return `pulumi-nodejs:dynamic/pdd:${resourceName}`;
}

/** The `__provider` text of a resource implemented by `pulumi-yandex-pdd/runtime/<name>`. */
export function providerText(name: RuntimeModuleName): string {
  return (
    `exports.handler = () => require("module").createRequire(require("path").join(process.cwd(), "program"))` +
    `("pulumi-yandex-pdd/runtime/${name}");\n`
  );
}
