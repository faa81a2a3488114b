"""The HTTP service, persistence and batch jobs around the pure ``matcher`` engine."""
