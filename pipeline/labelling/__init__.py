"""Human annotations: the annotation file, the review queue."""
