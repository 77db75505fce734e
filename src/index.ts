export * from "./resources/dnsRecord";
export * from "./resources/domainLogo";
export * from "./resources/importCheck";
export * from "./functions/getPddDomains";
export * from "./functions/getPddDkim";
export { configuredApi } from "./functions/support";
export * from "./client";
export { API_KINDS, CONFIG_KEYS, DEFAULT_ENDPOINT, DEFAULT_ENDPOINTS } from "./config";
export type { ApiKind, PddSettings, PublicSettings } from "./config";
