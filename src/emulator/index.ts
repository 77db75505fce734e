/**
 * pdd-emulator: a local, stateful stand-in for the Yandex "Mail for Domain" (PDD) admin API,
 * which Yandex switched off in April 2023. Import from "pulumi-yandex-pdd/emulator".
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
export { RECORD_TYPES } from "./state";
export type {
  RawMxRecord,
  RawPlainRecord,
  RawRecord,
  RawSoaRecord,
  RawSrvRecord,
  RecordType,
  SeedRecord,
} from "./state";
