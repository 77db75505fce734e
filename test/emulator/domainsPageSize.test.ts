/**
 * domain/domains page size: documented as 1 to 20 without saying what happens outside, and 2018
 * clients asked for 30 and 100. The emulator serves at most 20 per page and says in `on_page` which
 * size it used; what is not a positive integer gets the default of 10.
 */
import type { PddEmulator } from "../../src/emulator";
import { startEmulator } from "../../src/emulator";
import { call } from "./apiClient";

/** 45 domains: d01.test … d45.test. */
const NAMES = Array.from({ length: 45 }, (_, i) => `d${String(i + 1).padStart(2, "0")}.test`);

describe("domain/domains page size", () => {
  let emu: PddEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ domains: NAMES });
  });
  afterAll(async () => {
    await emu.close();
  });

  const names = (answer: Record<string, unknown>): string[] =>
    (answer.domains as Array<{ name: string }>).map((domain) => domain.name);

  test.each([
    // [on_page sent, on_page served]
    ["1", 1],
    ["20", 20],
    ["21", 20],
    ["30", 20],
    ["100", 20],
    ["99999999999999999999999", 20],
    ["020", 20],
    [" 7 ", 7],
  ])("on_page=%j → %i per page, and the answer says so", async (sent, served) => {
    const answer = await call(emu, "domain/domains", { page: 1, on_page: sent });
    expect(answer).toMatchObject({ success: "ok", page: 1, on_page: served, total: 45, found: served });
    expect(names(answer)).toEqual(NAMES.slice(0, served));
  });

  test.each(["0", "-1", "-30", "ten", "2.5", "1e2", ""])(
    "on_page=%j is not a positive integer → the default 10",
    async (sent) => {
      const answer = await call(emu, "domain/domains", { page: 2, on_page: sent });
      expect(answer).toMatchObject({ success: "ok", page: 2, on_page: 10, total: 45, found: 10 });
      expect(names(answer)).toEqual(NAMES.slice(10, 20));
    },
  );

  test("a 2018 client paging with on_page=100 sees every domain once, 20 at a time", async () => {
    const seen: string[] = [];
    let calls = 0;
    for (let page = 1; seen.length < 45 && page <= 10; page++) {
      const answer = await call(emu, "domain/domains", { page, on_page: 100 });
      calls++;
      expect(answer.on_page).toBe(20);
      seen.push(...names(answer));
    }
    expect(calls).toBe(3);
    expect(seen).toEqual(NAMES);
    // Pages are counted in served pages: page 4 of 20 is past the end.
    expect(await call(emu, "domain/domains", { page: 4, on_page: 100 })).toEqual({
      success: "error",
      error: "not_allowed",
    });
  });
});
