"""Serving: predict(), the MLflow pyfunc, the command line."""
