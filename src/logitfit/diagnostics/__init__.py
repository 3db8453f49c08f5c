"""Diagnostics of a fitted model: separation, influence, discrimination, calibration.

Nothing is imported here, so that a module's package never loads its neighbours.
"""
