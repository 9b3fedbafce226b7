"""`python -m rehab_tracker` is the same as the `rehab-tracker` command."""

from rehab_tracker.cli import main

raise SystemExit(main())
