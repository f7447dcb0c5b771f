"""Sub-commands of `eyetracker`: one module each, with `HELP`, `configure(parser)` and `run(args)`.

Modules import their heavy dependencies (torch, Qt) inside `run`, so `eyetracker --help`
stays fast.
"""
