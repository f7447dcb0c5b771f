"""Plain helpers shared by the tests: real fakes, tiny models, input files written on the spot.

Test modules take fixtures from `conftest.py` and helpers from here, never from each other.
"""
