#!/bin/sh
':' //; exec node -- "$0" "$@"
// The line above runs under sh (a no-op string in JavaScript): it starts Node with `--` before this
// file, because Node 20 takes `--env-file` for itself anywhere before a `--`, even after the
// script's name, and exits 9 on a missing file before fgrun runs (docs/cli.md).
import '../dist/cli-bundle/run.js';
