"""prodops: Product Operations maturity assessments, roadmaps and value metrics."""

__version__ = "0.1.0"
