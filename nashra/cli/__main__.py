from nashra.cli import main

raise SystemExit(main())
