"""Pipeline stages; their order is listed once, in hoptac.pipeline."""
