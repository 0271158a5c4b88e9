from golive.cli import main

raise SystemExit(main())
