export * from "./resources/dnsRecord";
export * from "./resources/domainLogo";
export * from "./resources/importCheck";
export * from "./functions/getPddDomains";
export * from "./client";
export { CONFIG_KEYS, DEFAULT_ENDPOINT } from "./config";
export type { PddSettings } from "./config";
