/**
 * Run only by `npm run test:compat`: proves the run really is what it claims, jest and the provider
 * hosts it starts on the Node version installed for it, with the newest SDK in the program folder.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { getProgramFolderInfo, startProviderHost } from "../harness";

describe("compatibility run", () => {
  it("runs jest and the provider host on the installed Node, with the installed @pulumi/pulumi", async () => {
    expect(process.version).toBe(process.env.PDD_COMPAT_NODE_VERSION);
    const info = getProgramFolderInfo();
    expect(info.pulumiVersion).toBe(process.env.PDD_COMPAT_PULUMI_VERSION);
    const host = await startProviderHost({ cwd: info.folder });
    try {
      const sdk = JSON.parse(fs.readFileSync(path.join(host.sdkDir, "package.json"), "utf8")) as {
        version: string;
      };
      expect(sdk.version).toBe(process.env.PDD_COMPAT_PULUMI_VERSION);
      expect(fs.realpathSync(host.sdkDir)).toBe(
        fs.realpathSync(path.join(info.folder, "node_modules", "@pulumi", "pulumi")),
      );
      if (fs.existsSync(`/proc/${host.pid}/exe`)) {
        expect(fs.realpathSync(`/proc/${host.pid}/exe`)).toBe(fs.realpathSync(process.execPath));
      }
    } finally {
      await host.close();
    }
  });
});
