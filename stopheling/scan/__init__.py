"""Turn a photo into identifier candidates.

Plain Python: this package imports neither Flask nor SQLAlchemy. It receives
``bytes`` and returns dataclasses (see :mod:`stopheling.scan.types`); checking
the candidates against the register is the caller's job.
"""
