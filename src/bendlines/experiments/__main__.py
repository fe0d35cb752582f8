"""Fill the results store: ``python -m bendlines.experiments`` (see :mod:`.sweeps`)."""

import sys

from bendlines.experiments.sweeps import main

sys.exit(main())
