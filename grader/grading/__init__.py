"""Grading, in the trusted process: one submission (grade), the loop a worker runs, the pool of workers, a batch into the gradebook, and progress."""
