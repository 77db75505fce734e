import * as pulumi from "@pulumi/pulumi";
import type { RuntimeModuleName } from "./provider";
import { providerText } from "./provider";

/**
 * The base of this package's resources: the equivalent of `pulumi.dynamic.Resource`, with a fixed
 * loader as `__provider` instead of a closure-serialized provider object (see `./provider.ts` for
 * why). The engine hands every resource of type `pulumi-nodejs:dynamic/…` to the SDK's dynamic
 * provider host, which evaluates `__provider` and calls the `pulumi-yandex-pdd/runtime/<module>`
 * functions it loads: `check`, `diff`, `create`, `read`, `update`, `delete`.
 *
 * @example
 * ```ts
 * class MyResource extends PddDynamicResource {
 *   constructor(name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
 *     super("pulumi-nodejs:dynamic/pdd:MyResource", "dnsRecord", name, props, opts);
 *   }
 * }
 * ```
 */
export abstract class PddDynamicResource extends pulumi.CustomResource {
  protected constructor(
    type: string,
    runtime: RuntimeModuleName,
    name: string,
    props: pulumi.Inputs,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(type, name, { ...props, __provider: providerText(runtime) }, opts);
  }
}
