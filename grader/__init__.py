"""mnist-grader: grade chapter 4 of fast.ai's book (MNIST basics) safely, from a notebook or in bulk."""
__version__ = "0.1.0"
