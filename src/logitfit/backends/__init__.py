"""Where row passes run: threads in memory, or Dask partitions (loaded only when used).

Nothing is imported here, so that a module's package never loads its neighbours.
"""
