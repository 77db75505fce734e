/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }],
  },
  // Tests start real servers and child processes; two workers match the two cores CI has.
  maxWorkers: 2,
  testTimeout: 60000,
  globalSetup: "<rootDir>/test/globalSetup.ts",
};
