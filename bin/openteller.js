#!/usr/bin/env node
// The `openteller` command: runs the compiled CLI (npm ci and npm start build it into dist/).
import '../dist/cli/run.js';
