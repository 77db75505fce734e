export { PddClient } from "./client";
export {
  API_ERROR_MESSAGES,
  PddApiError,
  PddConfigError,
  PddError,
  PddResponseValidationError,
  PddTransportError,
  isOutcomeUnknown,
  isPddApiError,
  isPddError,
  redactDeep,
  redactSecret,
  scrubError,
} from "./errors";
export type { PddTransportErrorCode, PddTransportErrorInit, ValidationIssue } from "./errors";
export {
  DEFAULT_RETRY_POLICY,
  RETRY_AFTER_CAP_FACTOR,
  backoffDelay,
  isRetriable,
  parseRetryAfter,
  resolveRetryPolicy,
  retryDelay,
} from "./retry";
export type { RetryPolicy } from "./retry";
export { DEFAULT_ENDPOINT, assertSafeEndpoint, isLoopbackHost, normalizeEndpoint } from "./transport";
export { PDD_RECORD_TYPES } from "./types";
export type {
  AddRecordParams,
  DomainsPage,
  EditRecordParams,
  ImportCheckParams,
  ImportCheckResult,
  PddClientEvent,
  PddClientOptions,
  PddClientStats,
  PddDomain,
  PddEndpoint,
  PddRecord,
  PddRecordType,
  PddRetryOptions,
} from "./types";
