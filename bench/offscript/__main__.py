"""``python -m bench.offscript``: run the frozen set against the stub and print the shares per group."""

import sys

from .runner import main

sys.exit(main())
