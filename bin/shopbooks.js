#!/usr/bin/env node
// Installed entry point: runs the bundled CLI when built (npm run build:core), else the TypeScript sources via tsx.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const bundled = join(__dirname, '..', 'plugin', 'sync-core', 'shopbooks.js');
if (existsSync(bundled)) require(bundled);
else {
  require('tsx/cjs');
  require('./shopbooks.ts');
}
