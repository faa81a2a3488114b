"""``python -m api.rematch``: the nightly re-match (the same as ``placement-api rematch``)."""

import sys

from api.rematch.job import main

sys.exit(main())
