/**
 * The engine test harness: proves provider behaviour the way `pulumi up` exercises it, without the CLI.
 *
 * 1. `getProgramFolder()`: a folder where globalSetup installed the packed package and the repository's
 *    exact `@pulumi/pulumi`, as users get them.
 * 2. `captureRegistrations({ cwd, program, config })`: runs a JS program there under `setMocks` and
 *    returns what it registered, `__provider` included (mocks never run a provider).
 * 3. `startProviderHost({ cwd })`: the SDK's own dynamic provider host, driven over gRPC; call
 *    `configure` first, then the raw RPCs or the `engineCreate/Update/Refresh/Delete` lifecycle helpers.
 *
 * Why these shapes:
 * - The host configures a provider once per distinct `__provider` string, lazily, with the config of
 *   the last Configure RPC; a Check before any Configure fails inside the provider's `configure`.
 * - The host answers acceptSecrets=false, so inputs reach the provider as plain values.
 * - Registrations finish asynchronously (serializing `__provider` is async); capture waits with
 *   `pulumi.runtime.waitForRPCs()`, and their order is completion order, not program order.
 */
export * from "./capture";
export * from "./programFolder";
export * from "./providerHost";
