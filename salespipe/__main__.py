from salespipe.cli import main

main()
