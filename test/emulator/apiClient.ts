/**
 * A deliberately plain HTTP client for the emulator tests (undici `request`), independent of the
 * package's own client so the emulator is checked against the wire format, not against itself.
 */
import type { Dispatcher } from "undici";
import { request } from "undici";
import type { PddEmulator, RawRecord } from "../../src/emulator";

export const TOKEN = "dev-token";

export const GET_ENDPOINTS = new Set(["dns/list", "domain/domains", "domain/logo/check"]);

export interface Answer {
  success: string;
  error?: string;
  domain?: string;
  records?: RawRecord[];
  record?: RawRecord & { operation?: string };
  record_id?: number;
  [key: string]: unknown;
}

export interface CallOptions {
  /** Defaults to the endpoint's method. */
  method?: "GET" | "POST";
  /** null sends no PddToken header. */
  token?: string | null;
  /** Where POST parameters go: a urlencoded body (default) or the query string (as the recordings did). */
  paramsIn?: "body" | "query";
  dispatcher?: Dispatcher;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export async function callRaw(
  emulator: Pick<PddEmulator, "url">,
  endpoint: string,
  params: Record<string, string | number> = {},
  options: CallOptions = {},
): Promise<RawResponse> {
  const method = options.method ?? (GET_ENDPOINTS.has(endpoint) ? "GET" : "POST");
  const search = new URLSearchParams(
    Object.entries(params).map(([key, value]): [string, string] => [key, String(value)]),
  );
  const inQuery = method === "GET" || options.paramsIn === "query";
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? TOKEN : options.token;
  if (token !== null) headers["PddToken"] = token;
  let body: string | undefined;
  if (method === "POST") {
    if (inQuery) {
      headers["content-type"] = "application/json";
      body = "{}";
    } else {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = search.toString();
    }
  }
  const url = `${emulator.url}/api2/admin/${endpoint}${inQuery && [...search].length > 0 ? `?${search}` : ""}`;
  const response = await request(url, {
    method,
    headers,
    body,
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

/** Calls an endpoint and parses the JSON answer (asserting the wire basics on the way). */
export async function call(
  emulator: Pick<PddEmulator, "url">,
  endpoint: string,
  params: Record<string, string | number> = {},
  options: CallOptions = {},
): Promise<Answer> {
  const response = await callRaw(emulator, endpoint, params, options);
  if (response.status !== 200) {
    throw new Error(`${endpoint}: HTTP ${response.status}: ${response.text}`);
  }
  return JSON.parse(response.text) as Answer;
}

export function byType<T extends RawRecord["type"]>(
  records: RawRecord[],
  type: T,
): Array<RawRecord & { type: T }> {
  return records.filter((record): record is RawRecord & { type: T } => record.type === type);
}
