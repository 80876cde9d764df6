#!/usr/bin/env node
// Thin launcher: the CLI is compiled to operator/dist by `make build`.
await import('../dist/cli/main.js');
