"""`python -m newsflow ...` is the `newsflow` command."""

from __future__ import annotations

import sys

from newsflow.tools.cli import main

sys.exit(main())
