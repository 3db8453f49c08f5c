"""The fitted model: its frozen record, text summary and predictions.

Nothing is imported here, so that a module's package never loads its neighbours.
"""
