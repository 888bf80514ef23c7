from crampcare.cli import main

main()
