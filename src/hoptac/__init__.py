"""hoptac: a self-hosted knowledge base of Vietnamese news on technology cooperation."""

__version__ = "0.1.0"
