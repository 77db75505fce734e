/**
 * pulumi-yandex-pdd: the Pulumi surface. Resources, data functions, and the provider's settings.
 *
 * The API clients (`PddClient`, `Yandex360Client`), their errors and helpers are in
 * "pulumi-yandex-pdd/client"; the local emulator is in "pulumi-yandex-pdd/emulator".
 */
export * from "./resources/dnsRecord";
export * from "./resources/domainLogo";
export * from "./resources/importCheck";
export * from "./functions/getPddDomains";
export * from "./functions/getPddDkim";
export { configuredApi } from "./functions/support";
export {
  API_KINDS,
  CONFIG_KEYS,
  DEFAULT_ENDPOINT,
  DEFAULT_ENDPOINTS,
  DEFAULT_OPERATION_TIMEOUT_MS,
} from "./config";
export type { ApiKind, PddSettings, PublicSettings, SettingKey } from "./config";
