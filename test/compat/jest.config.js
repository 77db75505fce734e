// Jest configuration for `npm run test:compat` (scripts/compat.mjs): the repository's configuration,
// without the globalSetup that prepares a program folder with the repository's own @pulumi/pulumi.
// The program folder (the newest SDK) comes from PDD_HARNESS_PROGRAM_FOLDER instead.
const path = require("path");
const base = require("../../jest.config.js");

module.exports = {
  ...base,
  rootDir: path.resolve(__dirname, "..", ".."),
  globalSetup: "<rootDir>/test/compat/globalSetup.ts",
  testMatch: [...base.testMatch, "**/*.compat.ts"],
};
