from bostadcli.cli import run

run()
