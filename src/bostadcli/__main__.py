from bostadcli.cli import main

main()
