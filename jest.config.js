/** Jest runs the TypeScript sources through SWC (fast, no type check: `npm run typecheck` does that). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/sync-core', '<rootDir>/bin'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }],
  },
  testTimeout: 30000,
  // On CI a leaked handle must end the run with a warning, never hold it until the 90-minute kill.
  forceExit: process.env.CI === 'true',
};
