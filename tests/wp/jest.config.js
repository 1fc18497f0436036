/** Jest for the tests against a real WordPress (started by tests/wp/run.sh). */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/tests/wp'],
  testMatch: ['**/*.wp.test.ts'],
  transform: {
    '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }],
  },
  testTimeout: 120000,
};
