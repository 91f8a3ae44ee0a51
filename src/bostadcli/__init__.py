"""bostadcli: eviction prevention casework for Swedish municipal housing units."""

__version__ = "0.1.0"
