/**
 * A plain HTTP client for the tests of the emulator's Yandex 360 face, with checks of its answers'
 * envelope and headers (the Yandex 360 counterpart of apiClient.ts).
 */
import type { Agent } from "undici";
import { request } from "undici";
import type { PddEmulator } from "../../src/emulator";
import { TOKEN } from "./apiClient";

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export interface Options {
  /** The Authorization header; null sends none. Default `OAuth dev-token`. */
  auth?: string | null;
  /** Sent as is instead of JSON.stringify(body). */
  rawBody?: string;
  dispatcher?: Agent;
}

export async function y360(
  emu: Pick<PddEmulator, "url">,
  method: "GET" | "POST" | "DELETE" | "PUT" | "PATCH",
  target: string,
  body?: unknown,
  options: Options = {},
): Promise<Answer> {
  const headers: Record<string, string> = { accept: "application/json" };
  const auth = options.auth === undefined ? `OAuth ${TOKEN}` : options.auth;
  if (auth !== null) headers.authorization = auth;
  const payload = options.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
  if (payload !== undefined) headers["content-type"] = "application/json";
  const response = await request(`${emu.url}${target}`, {
    method,
    headers,
    body: payload,
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
  const text = await response.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, headers: response.headers, text, json };
}

export const errorBody = (code: number, message: string): object => ({ code, message, details: [] });
export const UNAUTHORIZED = errorBody(16, "Unauthorized");
export const NOT_FOUND = errorBody(5, "not_found");
export const NOT_AN_ADMIN = errorBody(7, "Not an admin");

/** A yes/no string or a boolean, as PDD's domain/domains mixes them. */
export const truthy = (value: unknown): boolean => value === true || value === "yes";

export function expectSuccessHeaders(answer: Answer): void {
  expect(answer.headers["content-type"]).toBe("application/json");
  expect(answer.headers.server).toBe("api360");
  expect(answer.headers["x-request-id"]).toMatch(
    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
  expect(answer.headers["grpc-status"]).toBe("0");
  expect(answer.headers["grpc-message"]).toBe("OK");
}

export function expectError(answer: Answer, status: number, code: number, message?: string | RegExp): void {
  expect({ status: answer.status, code: answer.json?.code }).toEqual({ status, code });
  expect(Object.keys(answer.json as object)).toEqual(["code", "message", "details"]);
  expect(answer.json.details).toEqual([]);
  if (typeof message === "string") expect(answer.json.message).toBe(message);
  else if (message !== undefined) expect(answer.json.message).toMatch(message);
  expect(answer.headers["content-type"]).toBe("application/json");
  expect(answer.headers.server).toBe("api360");
  expect(answer.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  // Only successful answers carry the gRPC status headers.
  expect(answer.headers["grpc-status"]).toBeUndefined();
}
