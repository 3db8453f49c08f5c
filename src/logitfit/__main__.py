"""Allow ``python -m logitfit``."""

import sys

from logitfit.cli import main

sys.exit(main())
