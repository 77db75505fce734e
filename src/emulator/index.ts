/**
 * pdd-emulator: a local, stateful stand-in for the Yandex "Mail for Domain" (PDD) admin API,
 * which Yandex switched off in April 2023, and for the Yandex 360 for Business API (`/directory/v1/`)
 * that replaced it, both over one state. Import from "pulumi-yandex-pdd/emulator".
 */
export { startEmulator, API_ENDPOINTS } from "./server";
export type {
  EmulatorOptions,
  EmulatorStats,
  LogoInfo,
  PddEmulator,
  RequestLogBody,
  RequestLogEntry,
} from "./server";
export { FAULT_KINDS } from "./faults";
export type { FaultKind, FaultOptions } from "./faults";
export { ERAS } from "./wireFormat";
export type { PddEra } from "./wireFormat";
export { CAA_TAGS, DEFAULT_ORG_ID, PDD_RECORD_TYPES, RECORD_TYPES, YANDEX360_RECORD_TYPES } from "./state";
export { YANDEX360_ENDPOINTS } from "./yandex360";
export type { Yandex360Endpoint } from "./yandex360";
export type {
  CaaTag,
  DomainSeed,
  RawCaaRecord,
  RawMxRecord,
  RawPlainRecord,
  RawRecord,
  RawSoaRecord,
  RawSrvRecord,
  RecordType,
  SeedRecord,
} from "./state";
