"""Test configuration shared by every test file."""

from hypothesis import settings

# Property tests draw the same examples on every run (reproducible CI), and keep no example
# database: nothing is written into the working tree.
settings.register_profile("bendlines", derandomize=True, database=None, deadline=None)
settings.load_profile("bendlines")
