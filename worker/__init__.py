"""Background work: the queue (RQ on Redis, or in-process) and the jobs it runs."""
