"""Speed and memory benchmark for Brobygger: `make bench` or `python -m bench.run` (prints figures, asserts nothing)."""
