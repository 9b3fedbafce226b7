"""Pure domain rules: scoring, thresholds, program template and progression, red flags, units.

Nothing here imports Qt, SQLAlchemy or matplotlib, touches files, or reads the clock: callers pass
``today`` in.
"""
