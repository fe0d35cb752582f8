"""``python -m bendlines.receipts ID ...``: print glued values recomputed (:mod:`.rerun`)."""

import sys

from bendlines.receipts.rerun import main

sys.exit(main())
