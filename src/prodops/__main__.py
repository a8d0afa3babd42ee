from prodops.shells.cli import main

main()
