import type { PddEmulator } from "../../src/emulator";
import { startEmulator } from "../../src/emulator";
import { call } from "./apiClient";

/** n domains named so that sorting matters: created in reverse order. */
function domainNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `d${String(i + 1).padStart(2, "0")}.test`).reverse();
}

async function withEmulator(n: number, body: (emu: PddEmulator) => Promise<void>): Promise<void> {
  const emu = await startEmulator({ domains: domainNames(n) });
  try {
    await body(emu);
  } finally {
    await emu.close();
  }
}

const DOMAIN_KEYS = [
  "aliases",
  "direction",
  "dkim-ready",
  "emails-count",
  "emails-max-count",
  "from_registrar",
  "logo_enabled",
  "logo_url",
  "master_admin",
  "name",
  "nsdelegated",
  "stage",
  "status",
  "ws_technical",
];

describe("domain/domains", () => {
  test.each([
    // [domains, on_page, page, expected names on that page]
    [0, 10, 1, 0],
    [1, 10, 1, 1],
    [20, 20, 1, 20],
    [20, 10, 2, 10],
    [21, 20, 2, 1],
    [21, 10, 3, 1],
    [45, 20, 3, 5],
    [45, 10, 5, 5],
    [45, 7, 7, 3],
  ])("%i domains, on_page=%i, page=%i → %i on the page", async (count, onPage, page, found) => {
    await withEmulator(count, async (emu) => {
      const answer = await call(emu, "domain/domains", { page, on_page: onPage });
      expect(answer).toMatchObject({ success: "ok", page, on_page: onPage, total: count, found });
      const names = (answer.domains as Array<{ name: string }>).map((domain) => domain.name);
      const all = domainNames(count).sort();
      expect(names).toEqual(all.slice((page - 1) * onPage, page * onPage));
    });
  });

  test("defaults to page 1 with 10 per page; walking all pages lists every domain once, sorted", async () => {
    await withEmulator(45, async (emu) => {
      const first = await call(emu, "domain/domains");
      expect(first).toMatchObject({ page: 1, on_page: 10, total: 45, found: 10 });
      const seen: string[] = [];
      for (let page = 1; ; page++) {
        const answer = await call(emu, "domain/domains", { page, on_page: 20 });
        if (answer.success !== "ok") {
          expect(answer).toEqual({ success: "error", error: "not_allowed" });
          expect(page).toBe(4);
          break;
        }
        seen.push(...(answer.domains as Array<{ name: string }>).map((domain) => domain.name));
      }
      expect(seen).toEqual(domainNames(45).sort());
    });
  });

  test("a page past the end → not_allowed (but an empty account answers page 1 with nothing)", async () => {
    await withEmulator(21, async (emu) => {
      expect(await call(emu, "domain/domains", { page: 3, on_page: 10 })).toMatchObject({ found: 1 });
      expect(await call(emu, "domain/domains", { page: 4, on_page: 10 })).toEqual({
        success: "error",
        error: "not_allowed",
      });
      expect((await call(emu, "domain/domains", { page: 2, on_page: 20 })).found).toBe(1);
      expect((await call(emu, "domain/domains", { page: 3, on_page: 20 })).error).toBe("not_allowed");
    });
    await withEmulator(0, async (emu) => {
      expect(await call(emu, "domain/domains")).toEqual({
        page: 1,
        on_page: 10,
        total: 0,
        found: 0,
        domains: [],
        success: "ok",
      });
    });
  });

  // on_page outside 1..20 is served, not refused: see domainsPageSize.test.ts.
  test.each([
    [{ page: 0 }, "bad_page"],
    [{ page: -1 }, "bad_page"],
    [{ page: "2.5" }, "bad_page"],
    [{ page: "first" }, "bad_page"],
  ])("%j → %s", async (params, error) => {
    await withEmulator(3, async (emu) => {
      expect(await call(emu, "domain/domains", params)).toEqual({ success: "error", error });
    });
  });

  test("domain entries carry the service's keys with deliberately mixed boolean forms", async () => {
    await withEmulator(45, async (emu) => {
      const entries: Array<Record<string, unknown>> = [];
      for (let page = 1; page <= 3; page++) {
        const answer = await call(emu, "domain/domains", { page, on_page: 20 });
        entries.push(...(answer.domains as Array<Record<string, unknown>>));
      }
      const forms = new Set<string>();
      for (const entry of entries) {
        expect(Object.keys(entry).sort()).toEqual(DOMAIN_KEYS);
        expect(entry).toMatchObject({ status: "added", aliases: [], logo_url: "" });
        expect(["mx-activate", "owner-check", "added"]).toContain(entry.stage);
        for (const key of ["logo_enabled", "nsdelegated", "master_admin", "dkim-ready"]) {
          const value = entry[key];
          expect([true, false, "yes", "no"]).toContain(value);
          forms.add(typeof value);
        }
        expect([false, "no"]).toContain(entry.logo_enabled);
        expect([true, "yes"]).toContain(entry.nsdelegated);
      }
      expect(forms).toEqual(new Set(["boolean", "string"]));
      // Stable per domain: asking again gives identical entries.
      const again = await call(emu, "domain/domains", { page: 1, on_page: 20 });
      expect(again.domains).toEqual(entries.slice(0, 20));
    });
  });

  test("addDomain/removeDomain change what the account lists", async () => {
    await withEmulator(1, async (emu) => {
      emu.addDomain("zeta.test", { seedDefaultRecords: false });
      emu.addDomain("Alpha.Test");
      expect(emu.domains()).toEqual(["alpha.test", "d01.test", "zeta.test"]);
      expect(emu.records("zeta.test")).toEqual([]);
      expect(emu.records("alpha.test")).toHaveLength(5);
      expect(() => emu.addDomain("alpha.test")).toThrow(/already/);
      expect(() => emu.addDomain("not a domain")).toThrow(/valid domain/);
      const listed = await call(emu, "domain/domains");
      expect((listed.domains as Array<{ name: string }>).map((domain) => domain.name)).toEqual([
        "alpha.test",
        "d01.test",
        "zeta.test",
      ]);
      emu.removeDomain("d01.test");
      expect(await call(emu, "dns/list", { domain: "d01.test" })).toMatchObject({ error: "no_such_domain" });
      expect((await call(emu, "domain/domains")).total).toBe(2);
      expect(() => emu.removeDomain("d01.test")).toThrow(/not on the account/);
    });
  });
});
