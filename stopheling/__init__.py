"""stopheling: check whether second-hand goods are registered as stolen."""
