"""Rehab Tracker: the 12-week rehabilitation program after lumbar micro-discectomy."""

__version__ = "0.1.0"
APP_NAME = "Rehab Tracker"
APP_ID = "rehab-tracker"
