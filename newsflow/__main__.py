"""`python -m newsflow ...` is the `newsflow` command."""

from __future__ import annotations

import sys

from newsflow.cli import main

sys.exit(main())
