/**
 * pulumi-yandex-pdd/client: the API clients for PDD (`PddClient`) and Yandex 360 (`Yandex360Client`),
 * their typed errors (`PddError` and its subclasses, `isPddError`), retry policy and endpoint helpers.
 * Pulumi programs need none of it; the resources and functions are in "pulumi-yandex-pdd".
 */
export { PddClient } from "./client";
export {
  YANDEX360_DEFAULT_ENDPOINT,
  YANDEX360_DNS_FALLBACK_PAGE_SIZE,
  YANDEX360_DNS_PAGE_SIZE,
  YANDEX360_DOMAINS_PAGE_SIZE,
  YANDEX360_MAX_PAGES,
  YANDEX360_ORG_PAGE_SIZE,
  Yandex360Client,
  yandex360RecordBody,
} from "./yandex360";
export {
  API_ERROR_MESSAGES,
  PDD_API_ERROR_CODES,
  PDD_TRANSPORT_ERROR_CODES,
  PddApiError,
  PddConfigError,
  PddError,
  PddResponseValidationError,
  PddTransportError,
  SHORT_SECRET_LENGTH,
  YANDEX360_ERROR_CODES,
  YANDEX360_ORG_SETTINGS,
  YANDEX360_SCOPES,
  YANDEX360_TOKEN_SETTINGS,
  Yandex360ApiError,
  isOutcomeUnknown,
  isPddApiError,
  isPddApiErrorCode,
  isPddError,
  isYandex360ApiError,
  redactDeep,
  redactSecret,
  scrubError,
} from "./errors";
export type {
  PddApiErrorCode,
  PddConfigErrorCause,
  PddErrorCode,
  PddErrorWithCode,
  PddTransportErrorCode,
  PddTransportErrorInit,
  ValidationIssue,
  Yandex360ApiErrorInit,
  Yandex360ErrorCode,
} from "./errors";
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
export {
  DEFAULT_ENDPOINT,
  PDD_ENDPOINT_LABELS,
  assertSafeEndpoint,
  isLoopbackHost,
  normalizeEndpoint,
} from "./transport";
export type { AuthStyle, EndpointLabels, RawResponse, TransportRequest } from "./transport";
export { DNS_RECORD_TYPES, PDD_RECORD_TYPES, YANDEX360_RECORD_TYPES } from "./types";
export type {
  AddRecordParams,
  ApiClientEvent,
  ApiClientStats,
  DnsRecord,
  DnsRecordType,
  HttpMethod,
  Yandex360ClientOptions,
  Yandex360Dkim,
  Yandex360Domain,
  Yandex360DomainCheck,
  Yandex360DomainStatus,
  Yandex360DomainsPage,
  Yandex360Endpoint,
  Yandex360Organization,
  Yandex360RecordType,
  Yandex360RecordsPage,
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
