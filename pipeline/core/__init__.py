"""Core steps: cleaning, segmentation, rules, features, models (no file I/O of stages)."""
