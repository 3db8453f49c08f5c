"""The Dask backend: fits and per-row results on partitions (see :mod:`logitfit.dask`).

Nothing is imported here; :mod:`logitfit.backends.dispatch` loads the parts on use.
"""
