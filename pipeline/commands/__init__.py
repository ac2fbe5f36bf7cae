"""One module per subcommand (`qianghui <command>`), each with a function returning the exit code.

The functions take plain values (no argparse), write what the user reads to `out`, and raise
QianghuiError / UsageError for problems the user can fix (cli.py turns those into exit 1 / 2).
A command imports the stages it needs when it runs, so `qianghui --help` and a replayed
`qianghui render` load none of them.
"""
