"""Python helpers of the behavioral-segmentation warehouse.

* ``segwh.generate``  - seeded, deterministic demo-data generator (events,
  customers and ground-truth personas; Parquet files, optional PostgreSQL load).
* ``segwh.pgcluster`` - throwaway PostgreSQL cluster for tests and demos.
"""
