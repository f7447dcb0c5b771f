from eyetracker.cli import main

raise SystemExit(main())
