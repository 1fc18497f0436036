#!/usr/bin/env node
/** Entry point of the `shopbooks` command (run with tsx in development; bundled into one file for the plugin). */
import { main } from '../sync-core/src/cli/main';

void main(process.argv);
