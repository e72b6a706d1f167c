"""Use cases: load through the ORM, call the domain, persist, enqueue.  No request objects."""
