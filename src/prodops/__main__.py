from prodops.cli import main

main()
