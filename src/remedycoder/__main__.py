from remedycoder.cli import main

main()
