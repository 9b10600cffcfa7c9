"""Lab exercises: one module per lesson. Fill in the functions; check with `make check`."""
