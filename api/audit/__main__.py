"""``python -m api.audit verify``: offline audit-chain verification (see :mod:`api.audit.cli`)."""

import sys

from api.audit.cli import main

sys.exit(main())
