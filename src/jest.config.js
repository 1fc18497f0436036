/**
 * Jest for the settings page (src/), separate from the root jest.config.js (sync-core, via @swc/jest).
 * Run: npx wp-scripts test-unit-js --config src/jest.config.js
 *
 * Extends wp-scripts' config so babel-jest also transpiles the ESM-only dependencies of
 * the WordPress components package 4x (uuid >= 12, @wordpress/theme .mjs); needed on Node < 24.9.
 */
const path = require('path');
const defaultConfig = require('@wordpress/scripts/config/jest-unit.config.js');

const babelTransform = path.join(
	path.dirname(require.resolve('@wordpress/scripts/package.json')),
	'config',
	'babel-transform',
);

module.exports = {
	...defaultConfig,
	rootDir: path.resolve(__dirname, '..'),
	roots: ['<rootDir>/src'],
	testMatch: ['**/*.test.js'],
	transform: { '\\.[mc]?[jt]sx?$': babelTransform },
	transformIgnorePatterns: ['/node_modules/(?!(uuid|@wordpress/theme)/)'],
};
