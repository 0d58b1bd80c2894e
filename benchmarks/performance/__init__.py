"""Time and memory: ingestion and features at scale, Dask, the service under load, the app."""
