"""DVC stages, one module each: clean, segment, label, train, evaluate, publish."""
