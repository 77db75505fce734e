// Quickstart: the DNS records of one mail domain, on Yandex 360 for Business or on the PDD API.
//
// Settings come from the stack config (`pdd:api`, `pdd:orgId`, `pdd:token` as a secret, `pdd:endpoint`)
// or from their environment variables (PDD_API, YANDEX360_ORG_ID, PDD_TOKEN or YANDEX360_OAUTH_TOKEN,
// PDD_ENDPOINT). Setting an organization id selects Yandex 360. See README.md for running it against
// pdd-emulator, which serves both APIs.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as pdd from "pulumi-yandex-pdd";

const config = new pulumi.Config();
/** The domain, on the PDD account or in the Yandex 360 organization. */
const domain = config.get("domain") ?? "example.com";
/** The web server's address (203.0.113.0/24 is reserved for documentation). */
const webIp = config.get("webIp") ?? "203.0.113.10";
/** The backend the stack is configured for: "yandex360" or "pdd". */
const api = pdd.configuredApi();

// Web: the apex and www point at the web server.
const apex = new pdd.PddDnsRecord("apex", { domain, type: "A", subdomain: "@", content: webIp, ttl: 3600 });
const www = new pdd.PddDnsRecord("www", { domain, type: "A", subdomain: "www", content: webIp, ttl: 3600 });

// Mail: a domain connected to Yandex mail usually has these two records already (Yandex creates MX
// mx.yandex.net. and this SPF record, and pdd-emulator seeds them too). `adoptExisting: true` takes an
// existing record over instead of failing or adding a second one. `retainOnDelete` leaves them in
// place on `pulumi destroy`, since the domain's mail would stop working without them.
const mx = new pdd.PddDnsRecord(
  "mx",
  { domain, type: "MX", subdomain: "@", content: "mx.yandex.net.", priority: 10, adoptExisting: true },
  { retainOnDelete: true },
);
const spf = new pdd.PddDnsRecord(
  "spf",
  { domain, type: "TXT", subdomain: "@", content: "v=spf1 redirect=_spf.yandex.net", adoptExisting: true },
  { retainOnDelete: true },
);

// Yandex 360 only: a CAA record that lets only Let's Encrypt issue certificates for the domain.
// (PDD has no CAA type.)
const caa =
  api === "yandex360"
    ? new pdd.PddDnsRecord("caa", {
        domain,
        type: "CAA",
        subdomain: "@",
        flag: 0,
        tag: "issue",
        content: "letsencrypt.org",
      })
    : undefined;

// PDD only: the logo in the corner of every mailbox of the domain. The path is absolute because the
// provider resolves relative paths against the working directory of `pulumi`, which need not be this
// folder. Yandex 360 has no API for it.
const logo =
  api === "pdd"
    ? new pdd.PddDomainLogo("logo", { domain, file: path.join(__dirname, "logo.png") })
    : undefined;

// PDD only, optional: prove Yandex can reach the mail server mailboxes will be imported from. Set
// `importServer` (and `importPort`, `importSsl` when they are not IMAP over SSL on 993) to enable it.
// Yandex 360 has no API to check mail-import settings.
const importServer = config.get("importServer");
if (importServer !== undefined && api !== "pdd") {
  pulumi.log.warn(
    `importServer is set, but the import check needs the PDD API (pdd:api is ${api}); skipping it`,
  );
}
const importCheck =
  importServer === undefined || api !== "pdd"
    ? undefined
    : new pdd.PddImportCheck("import-check", {
        domain,
        server: importServer,
        method: "imap",
        ssl: config.getBoolean("importSsl") ?? true,
        port: config.getNumber("importPort"),
      });

// Every domain on the account or in the organization, read through the API when the program runs.
const account = pdd.getPddDomainsOutput();

export const backend = api;
export const records = {
  apex: apex.fqdn,
  www: www.fqdn,
  mx: pulumi.interpolate`${mx.fqdn} MX ${mx.priority} ${mx.content}`,
  spf: spf.content,
  caa:
    caa === undefined
      ? undefined
      : pulumi.interpolate`${caa.fqdn} CAA ${caa.flag} ${caa.tag} "${caa.content}"`,
};
export const recordIds = [apex.id, www.id, mx.id, spf.id, ...(caa === undefined ? [] : [caa.id])];
export const logoUrl = logo?.logoUrl;
export const importCheckedAt = importCheck?.checkedAt;
export const accountDomains = account.domains.apply((domains) => domains.map((d) => d.name));
/** PDD: the connection status (e.g. `added`). Yandex 360: whether the domain is verified and delegated. */
export const domainStatus = account.domains.apply((domains) => {
  const found = domains.find((d) => d.name === domain);
  if (found === undefined) return api === "pdd" ? "not on this account" : "not in this organization";
  if (found.status !== undefined) return found.status;
  return [found.verified ? "verified" : "not verified", found.delegated ? "delegated" : "not delegated"].join(
    ", ",
  );
});
